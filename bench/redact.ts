// npm run bench:redact: the time to redact one 256 KB adversarial line (issue 16, finding 1).
// Each line repeats a short unit that made the old rules backtrack (or that makes many matches);
// the figure is the median and the slowest of 21 runs per line. Target: every line < 20 ms.

import { redact } from '../src/redact/index.ts';
import { KNOWN_ADVERSARIAL, repeatTo } from '../test/helpers/redact-adversarial.ts';
import { writeBenchSection, writeBenchSummary } from './lib/report.ts';

const SIZE = 256 * 1024;
const RUNS = 21;
const TARGET_MS = 20;
const UNITS = [
  ...KNOWN_ADVERSARIAL,
  ' =api-key',
  '{"token":1,',
  'Bearer aaaaaaaaaaaaaaaaaaaa ',
  'postgres://u:p@',
  '-----BEGIN ',
  ' ',
];

const rows: { unit: string; p50: number; max: number }[] = [];
for (const unit of UNITS) {
  const line = repeatTo(unit, SIZE);
  redact(line);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    redact(line);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  rows.push({ unit, p50: times[Math.floor(RUNS / 2)]!, max: times.at(-1)! });
}

const worstP50 = Math.max(...rows.map((r) => r.p50));
const met = worstP50 < TARGET_MS;
const table = [
  '| line (unit repeated to 256 KB) | p50 | max |',
  '|---|---|---|',
  ...rows.map(
    (r) => `| \`${JSON.stringify(r.unit)}\` | ${r.p50.toFixed(2)} ms | ${r.max.toFixed(2)} ms |`,
  ),
].join('\n');
console.log(table);
console.log(
  `worst p50 ${worstP50.toFixed(2)} ms (target < ${TARGET_MS} ms): ${met ? 'met' : 'NOT met'}`,
);
await writeBenchSection(
  'redact',
  'Redaction of a 256 KB adversarial line (`npm run bench:redact`)',
  `${table}\n\n${RUNS} runs per line, after one warm-up. Worst median ${worstP50.toFixed(2)} ms (target < ${TARGET_MS} ms: ${met ? 'met' : 'not met'}). Before issue 16 the \`key-value-secret\` rule took 24 s on 8,000 characters of \`token.\`. Log search lines are cut to 4,000 characters before they are redacted, so a real search never redacts 256 KB at once.`,
);
await writeBenchSummary('redact', {
  name: 'redact 256 KB adversarial line',
  p50: worstP50,
  p99: Math.max(...rows.map((r) => r.max)),
  target: `< ${TARGET_MS} ms`,
  met,
});
