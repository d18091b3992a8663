// npm run bench:e2e [-- N C]: slash command → result posted, for a no-op run (`/ops ping`), through
// a real opsbot process (web + worker), real Redis and the Slack emulator.

import { SignedSlackClient } from '../src/dev/signed-client.ts';
import { SlackEmulator } from '../src/dev/slack-emulator/emulator.ts';
import { requestIdFor } from '../src/requests/request.ts';
import { sampleRss, startChild, stopChild } from './lib/child.ts';
import { writeBenchSection, writeBenchSummary } from './lib/report.ts';
import { load, ms, summarize } from './lib/stats.ts';

const N = Number(process.argv[2] ?? 500);
const C = Number(process.argv[3] ?? 20);
const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench-token';

const slack = new SlackEmulator({ tokens: [TOKEN] });
const slackUrl = await slack.start();
slack.state.addChannel('C0OPS', 'ops');
slack.state.addUser('U0ALICE', 'alice');

// A result reply names its run; its parent names the request. Resolve each request's finish time.
const parentRequest = new Map<string, string>();
const finished = new Map<string, number>();
const waiters = new Map<string, () => void>();
slack.state.on(
  'message',
  (m: { ts: string; thread_ts?: string; text: string; blocks?: unknown[]; edits: number }) => {
    if (!m.thread_ts && m.edits === 0) {
      const id = /request (req_[0-9a-f]+)/.exec(JSON.stringify(m.blocks ?? []))?.[1];
      if (id) parentRequest.set(m.ts, id);
    } else if (m.thread_ts && m.text.includes('ping done')) {
      const id = parentRequest.get(m.thread_ts);
      if (id && !finished.has(id)) {
        finished.set(id, performance.now());
        waiters.get(id)?.();
      }
    }
  },
);

const prefix = `benche2e${Date.now()}`;
const env = {
  SLACK_BOT_TOKEN: TOKEN,
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: slackUrl,
  OPSBOT_PREFIX: prefix,
  LOG_LEVEL: 'error',
  PORT: '3203',
};
const bot = await startChild('src/main.ts', ['all'], env, 'http://127.0.0.1:3203/health');
const rss = sampleRss(bot.pid!);
const idleRss = rss.stop();
const busy = sampleRss(bot.pid!);
const client = new SignedSlackClient('http://127.0.0.1:3203', SECRET);
const started = performance.now();
const samples = await load(N, C, async (i) => {
  const triggerId = `e2e-${prefix}-${i}`;
  const id = requestIdFor(triggerId);
  const done = new Promise<void>((resolve) => waiters.set(id, resolve));
  await client.command('ping', { id: 'U0ALICE' }, { triggerId });
  await done;
});
const wall = (performance.now() - started) / 1000;
const peak = busy.stop();
await stopChild(bot);
await slack.stop();

const s = summarize(samples);
const body = [
  '| run | N | C | p50 | p99 | max | throughput | idle RSS | peak RSS |',
  '|---|---|---|---|---|---|---|---|---|',
  `| /ops ping → result posted | ${N} | ${C} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} | ${(N / wall).toFixed(1)} runs/s | ${idleRss.toFixed(0)} MB | ${peak.toFixed(0)} MB |`,
].join('\n');
console.log(body);
await writeBenchSection('e2e', 'End-to-end no-op run (`npm run bench:e2e`)', body);
await writeBenchSummary('e2e', {
  name: 'e2e no-op run',
  p50: s.p50,
  p99: s.p99,
  throughput: N / wall,
  unit: 'runs/s',
  peakRssMb: peak,
  idleRssMb: idleRss,
});
