import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';

/** The machine line every bench section starts with. */
export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/** Where a section's hand-kept part starts: a `### … (kept by hand…` heading and all after it. */
const KEPT_BY_HAND = /^### .*\(kept by hand/m;

/**
 * Writes one bench's figures to docs/benchmarks/<name>.md (docs/benchmarks.md gathers them). A
 * hand-kept part at the end of the file (earlier runs, from a `### … (kept by hand` heading on) is
 * kept below the new figures.
 */
export async function writeBenchSection(name: string, title: string, body: string): Promise<void> {
  await mkdir('docs/benchmarks', { recursive: true });
  const path = `docs/benchmarks/${name}.md`;
  const previous = await readFile(path, 'utf8').catch(() => '');
  const kept = KEPT_BY_HAND.exec(previous);
  const handKept = kept ? `\n${previous.slice(kept.index).trimEnd()}\n` : '';
  await writeFile(path, `## ${title}\n\nMachine: ${machine()}\n\n${body}\n${handKept}`);
}

/** One row of `npm run bench`'s table. */
export interface BenchSummary {
  name: string;
  p50?: number;
  p99?: number;
  throughput?: number;
  unit?: string;
  peakRssMb?: number;
  idleRssMb?: number;
  /** Process start to its first 200 (bench:memory). */
  coldStartMs?: number;
  floor?: string;
  target?: string;
  met?: boolean;
}

/** Writes a bench's table row to bench/results/<name>.json for `npm run bench` to gather. */
export async function writeBenchSummary(
  name: string,
  summary: BenchSummary | BenchSummary[],
): Promise<void> {
  await mkdir('bench/results', { recursive: true });
  await writeFile(`bench/results/${name}.json`, `${JSON.stringify(summary, null, 2)}\n`);
}
