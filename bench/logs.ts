// npm run bench:logs: `/ops logs` end to end (real Redis, Slack emulator, the real CloudWatch Logs
// adapter over aws-sdk-client-mock). (1) A search returning 100,000 events, paged like the real
// API (≤ 10,000 per page, an empty page with a token every third call), with the bot in a process
// of its own (bench/lib/logs-bot.ts) so its peak RSS is measured apart from the emulator that
// receives the 10 MB file: wall time, Slack calls for the result, the bot's peak RSS growth.
// (2) A follow fed by live-tail updates every second: lag from each event's timestamp to the post.

import { SignedSlackClient } from '../src/dev/signed-client.ts';
import { SlackEmulator } from '../src/dev/slack-emulator/emulator.ts';
import {
  BOT_TOKEN,
  type Harness,
  REDIS_URL,
  SIGNING_SECRET,
  startHarness,
  USERS,
  waitFor,
} from '../test/helpers/harness.ts';
import { logsConfig, logsWorld, runThread } from '../test/helpers/logs-harness.ts';
import { freePort, loadAverage, sampleRss, startChild, stopChild } from './lib/child.ts';
import { dropKeys } from './lib/drop-keys.ts';
import { writeBenchSection, writeBenchSummary } from './lib/report.ts';
import { ms, summarize } from './lib/stats.ts';

const N = Number(process.argv[2] ?? 100_000);
const FOLLOW_SECONDS = Number(process.argv[3] ?? 20);
const T0 = Date.now() - 3_600_000;

// (1) search: the emulator here, the bot in a child process.
const slack = new SlackEmulator({ tokens: [BOT_TOKEN] });
const slackUrl = await slack.start();
slack.state.addChannel(
  'C0OPS',
  'ops',
  Object.values(USERS).map((u) => u.id),
);
for (const u of Object.values(USERS)) slack.state.addUser(u.id, u.name);
const prefix = `benchlogs${Date.now()}`;
const port = await freePort();
const botChild = await startChild(
  'bench/lib/logs-bot.ts',
  [String(N), String(T0)],
  { SLACK_API_URL: slackUrl, PORT: String(port), OPSBOT_PREFIX: prefix, REDIS_URL },
  `http://127.0.0.1:${port}/health`,
);
await new Promise((resolve) => setTimeout(resolve, 1000));
const baseRss = sampleRss(botChild.pid!).stop();
const sampler = sampleRss(botChild.pid!);
const searchLoad = loadAverage();
const client = new SignedSlackClient(`http://127.0.0.1:${port}`, SIGNING_SECRET);
const started = performance.now();
await client.command(`logs mission-control-api since=2h limit=${N}`, USERS.alice);
const inThread = () => runThread({ slack } as Harness);
await waitFor('the upload', () => inThread()?.replies.find((m) => m.files?.length), 300_000);
const wall = (performance.now() - started) / 1000;
const peakRss = sampler.stop();
await stopChild(botChild);
const resultCalls = slack.state.calls.filter(
  (c) =>
    c.method.startsWith('files.') ||
    (c.method === 'chat.postMessage' && String(c.args.text).includes(`${N} events`)),
).length;
const uploaded = inThread()!.replies.find((m) => m.files?.length)!.files![0]!;
const growthMb = peakRss - baseRss;
await slack.stop();
await dropKeys(REDIS_URL, prefix);
let pages = 0;
for (let offset = 0, page = 0; offset < N; page++, pages++)
  if (page % 3 !== 2) offset += Math.min(10_000, N - offset);

// (2) follow lag
const world = logsWorld();
const h = await startHarness({ file: logsConfig(), aws: world.aws });
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
  `| the bot's peak RSS growth during the search (bot alone in its process; ${searchLoad}) | ${growthMb.toFixed(0)} MB (base ${baseRss.toFixed(0)} MB) | < 100 MB |`,
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
  peakRssMb: peakRss,
  idleRssMb: baseRss,
  p50: lag.p50,
  p99: lag.p99,
  target:
    '≤ 3 Slack calls; RSS growth < 100 MB; follow lag p95 ≤ 3 s (p50/p99 columns: follow lag)',
  met,
});
process.exit(0);
