import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';

/** The machine line every bench section starts with. */
export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/** Writes one bench's figures to docs/benchmarks/<name>.md (docs/benchmarks.md gathers them). */
export async function writeBenchSection(name: string, title: string, body: string): Promise<void> {
  await mkdir('docs/benchmarks', { recursive: true });
  await writeFile(
    `docs/benchmarks/${name}.md`,
    `## ${title}\n\nMachine: ${machine()}\n\n${body}\n`,
  );
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
