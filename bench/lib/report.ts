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
