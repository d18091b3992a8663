// npm run bench: runs every bench in turn, then rewrites docs/benchmarks.md with one summary table
// (from bench/results/*.json) followed by each bench's own section (docs/benchmarks/*.md).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { BenchSummary } from './lib/report.ts';
import { machine } from './lib/report.ts';

/** Each bench, by file; `env` runs a file again as a variant (its own section and rows). */
const BENCHES: { name: string; file?: string; env?: Record<string, string> }[] = [
  { name: 'memory' },
  { name: 'ack' },
  { name: 'approve' },
  { name: 'e2e' },
  // The roles as deployed: web and worker in two processes.
  { name: 'e2e-split', file: 'e2e', env: { BENCH_SPLIT: '1' } },
  { name: 'commands' },
  { name: 'logs' },
  { name: 'storm' },
  { name: 'audit' },
  { name: 'redact' },
  { name: 'schedule' },
];
const only = process.argv.slice(2);

// The bot runs as the image runs it: compiled (`npm run build`), `node <image flags> dist/main.js`.
const built = spawnSync(process.execPath, ['scripts/build.js'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
process.env.BENCH_COMPILED = '1';

for (const { name, file = name, env = {} } of BENCHES) {
  if (only.length && !only.includes(name)) continue;
  if (!existsSync(`bench/${file}.ts`)) continue;
  console.log(`\n▶ bench ${name}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}.ts`], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) console.error(`bench ${name} exited with ${result.status}`);
}

const fmt = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);
const summaries: BenchSummary[] = existsSync('bench/results')
  ? readdirSync('bench/results')
      .filter((f) => f.endsWith('.json'))
      .sort()
      .flatMap((f) => {
        const parsed = JSON.parse(readFileSync(`bench/results/${f}`, 'utf8')) as
          | BenchSummary
          | BenchSummary[];
        return Array.isArray(parsed) ? parsed : [parsed];
      })
  : [];
const table = [
  '| bench | p50 (ms) | p99 (ms) | throughput | idle RSS (MB) | peak RSS (MB) | cold start (ms) | floor / target | met |',
  '|---|---|---|---|---|---|---|---|---|',
  ...summaries.map(
    (s) =>
      `| ${s.name} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${s.throughput === undefined ? '—' : `${fmt(s.throughput)} ${s.unit ?? '/s'}`} | ${fmt(s.idleRssMb, 0)} | ${fmt(s.peakRssMb, 0)} | ${fmt(s.coldStartMs, 0)} | ${[s.floor, s.target].filter(Boolean).join('; ') || '—'} | ${s.met === undefined ? '—' : s.met ? 'met' : 'not met'} |`,
  ),
].join('\n');
console.log(`\n${table}`);

const sections = existsSync('docs/benchmarks')
  ? readdirSync('docs/benchmarks')
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => readFileSync(`docs/benchmarks/${f}`, 'utf8').trim())
  : [];
writeFileSync(
  'docs/benchmarks.md',
  `# Benchmarks\n\nWritten by \`npm run bench\` (each bench also runs alone: \`npm run bench:<name>\`). \`npm run bench:ab\` is not among them: it compares the run path of two checkouts side by side, round by round (\`bench/ab.ts\`).\n\nMachine: ${machine()}\n\n${table}\n\n${sections.join('\n\n')}\n`,
);
console.log('\nwrote docs/benchmarks.md');
