// npm run bench:logs: `/ops logs` end to end in one process (real Redis, Slack emulator, the real
// CloudWatch Logs adapter over aws-sdk-client-mock). (1) A search returning 100,000 events, paged
// like the real API (≤ 10,000 per page, an empty page with a token every third call): wall time,
// Slack calls for the result, peak RSS growth. (2) A follow fed by live-tail updates every second:
// lag from each event's timestamp to the post that shows it.

import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startHarness, USERS, waitFor } from '../test/helpers/harness.ts';
import { logsConfig, logsWorld, runThread } from '../test/helpers/logs-harness.ts';
import { writeBenchSection, writeBenchSummary } from './lib/report.ts';
import { ms, summarize } from './lib/stats.ts';

const N = Number(process.argv[2] ?? 100_000);
const FOLLOW_SECONDS = Number(process.argv[3] ?? 20);
const T0 = Date.now() - 3_600_000;

const world = logsWorld();
// Pages are made on demand from the offset, so the bench itself holds no events.
world.logs.mock
  .on(FilterLogEventsCommand)
  .callsFake((input: { limit?: number; nextToken?: string }) => {
    const [offsetText, pageText] = (input.nextToken ?? '0:0').split(':');
    const offset = Number(offsetText);
    const page = Number(pageText);
    if (page % 3 === 2) return { events: [], nextToken: `${offset}:${page + 1}` };
    const size = Math.min(10_000, input.limit ?? 10_000, N - offset);
    const events = Array.from({ length: size }, (_, i) => {
      const n = offset + i;
      return {
        eventId: `ev-${n}`,
        timestamp: T0 + Math.floor((n * 3_000_000) / N),
        logStreamName: `2026/11/23/[$LATEST]${(n % 7).toString(16).padStart(8, '0')}`,
        message:
          n % 4 === 0
            ? `ERROR request ${n} failed: timeout after ${n % 900} ms token=abc${n}`
            : `INFO GET /api/items/${n} 200 ${n % 300} ms user=u${n % 1000}`,
      };
    });
    const next = offset + size < N ? `${offset + size}:${page + 1}` : undefined;
    return { events, ...(next ? { nextToken: next } : {}) };
  });

const h = await startHarness({ file: logsConfig(), aws: world.aws });
global.gc?.();
const baseRss = process.memoryUsage().rss;
let peakRss = baseRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

// (1) search
const callsBefore = h.slack.state.calls.length;
const started = performance.now();
await h.client.command(`logs mission-control-api since=2h limit=${N}`, USERS.alice);
await waitFor('the upload', () => runThread(h)?.replies.find((m) => m.files?.length), 300_000);
const wall = (performance.now() - started) / 1000;
clearInterval(sampler);
const calls = h.slack.state.calls.slice(callsBefore);
const resultCalls = calls.filter(
  (c) =>
    c.method.startsWith('files.') ||
    (c.method === 'chat.postMessage' && String(c.args.text).includes(`${N} events`)),
).length;
const pages = world.logs.mock.commandCalls(FilterLogEventsCommand).length;
const uploaded = runThread(h)!.replies.find((m) => m.files?.length)!.files![0]!;
const growthMb = (peakRss - baseRss) / 2 ** 20;

// (2) follow lag
const lags: number[] = [];
h.slack.state.on('message', (m: { text: string; blocks?: unknown[]; edits: number }) => {
  if (m.edits > 0 || !/new events?/.test(m.text)) return;
  const now = Date.now();
  for (const match of JSON.stringify(m.blocks).matchAll(
    /(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}) {2}lag/g,
  ))
    lags.push(now - Date.parse(`${match[1]!.replace(' ', 'T')}Z`));
});
await h.client.command('logs mission-control-api follow=10m', USERS.bob);
await waitFor('the live-tail session', () => world.logs.live.open === 1);
for (let s = 0; s < FOLLOW_SECONDS; s++) {
  // Like the real service: an update about every second with the events of the past second.
  const now = Date.now();
  world.logs.live.update(
    Array.from({ length: 50 }, (_, i) => ({
      timestamp: now - 1000 + i * 20,
      message: `lag probe ${s}.${i}`,
    })),
  );
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
await new Promise((resolve) => setTimeout(resolve, 2500));
await h.stop();
world.logs.mock.restore();

const lag = summarize(lags);
const met = resultCalls <= 3 && growthMb < 100 && lag.p95 <= 3000;
const body = [
  `Search: ${N.toLocaleString('en')} matching events, ${pages} FilterLogEvents pages (≤ 10,000 events each, every third page empty with a token), result uploaded as one ${(uploaded.content.length / 2 ** 20).toFixed(1)} MB .log file.`,
  '',
  '| measure | result | target |',
  '|---|---|---|',
  `| search wall time (slash command → file in thread) | ${wall.toFixed(2)} s | — |`,
  `| Slack calls for the result (summary + upload) | ${resultCalls} | ≤ 3 |`,
  `| peak RSS growth during the search | ${growthMb.toFixed(0)} MB (base ${(baseRss / 2 ** 20).toFixed(0)} MB; includes the emulator holding the uploaded file) | < 100 MB |`,
  `| follow lag, event timestamp → post (live tail, 50 events/s, ${lags.length} events) | p50 ${ms(lag.p50)}, p95 ${ms(lag.p95)}, max ${ms(lag.max)} | p95 ≤ 3 s |`,
  '',
  'Follow posts are batched at most every 2 s and live-tail updates arrive about every second, so the lag is bounded by about 3 s by design.',
].join('\n');
console.log(body);
await writeBenchSection('logs', 'Log search and follow (`npm run bench:logs`)', body);
await writeBenchSummary('logs', {
  name: `logs search ${N} events`,
  throughput: N / wall,
  unit: 'events/s',
  peakRssMb: peakRss / 2 ** 20,
  p50: lag.p50,
  p99: lag.p99,
  target:
    '≤ 3 Slack calls; RSS growth < 100 MB; follow lag p95 ≤ 3 s (p50/p99 columns: follow lag)',
  met,
});
process.exit(0);
