// npm run bench:storm [-- FIRINGS KEYS]: an alert storm through POST /alerts/webhook (signed) into a
// real opsbot (web + worker, real Redis) against the Slack emulator with its rate limits enabled.
// Checks: exactly one parent per key, every final count exact, nothing lost; reports Slack calls.

import { parse as parseYaml } from 'yaml';
import { signWebhook } from '../src/alerts/webhook.ts';
import { envSchema } from '../src/config/env.ts';
import { fileConfigSchema } from '../src/config/file.ts';
import { SlackEmulator } from '../src/dev/slack-emulator/emulator.ts';
import { createLogger } from '../src/log.ts';
import { startOpsbot } from '../src/opsbot.ts';
import { writeBenchSection, writeBenchSummary } from './lib/report.ts';
import { load, ms, summarize } from './lib/stats.ts';

const FIRINGS = Number(process.argv[2] ?? 10_000);
const KEYS = Number(process.argv[3] ?? 100);
const CONCURRENCY = 16;
const SECRET = 'bench-webhook-secret-0123456789';
const TOKEN = 'xoxb-bench-token';
const SEVERITIES = ['critical', 'high', 'warning', 'info'] as const;
const CHANNELS = { critical: 'C0CRIT', high: 'C0HIGH', warning: 'C0WARN', info: 'C0INFO' };

const slack = new SlackEmulator({ tokens: [TOKEN], rateLimits: true });
const slackUrl = await slack.start();
slack.state.addChannel('C0OPS', 'ops');
for (const [severity, id] of Object.entries(CHANNELS))
  slack.state.addChannel(id, `alerts-${severity}`);

const file = fileConfigSchema.parse(
  parseYaml(`
slack: { ops_channel: C0OPS }
alerts:
  channels:
    by_severity: { critical: C0CRIT, high: C0HIGH, warning: C0WARN, info: C0INFO }
  repeat_summary_seconds: 60
`),
);
const prefix = `benchstorm${Date.now()}`;
const env = envSchema.parse({
  SLACK_BOT_TOKEN: TOKEN,
  SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
  SLACK_API_URL: slackUrl,
  OPSBOT_PREFIX: prefix,
  OPSBOT_WEBHOOK_SECRET: SECRET,
  LOG_LEVEL: 'error',
});
const bot = await startOpsbot({
  config: { env, file },
  role: 'all',
  log: createLogger('error'),
  port: 0,
  host: '127.0.0.1',
});
const url = `http://127.0.0.1:${bot.port}/alerts/webhook`;

const keyOf = (i: number) => `storm-${String(i % KEYS).padStart(3, '0')}`;
const severityOf = (k: number) => SEVERITIES[k % SEVERITIES.length]!;
let refused = 0;
const started = performance.now();
const samples = await load(FIRINGS, CONCURRENCY, async (i) => {
  const key = keyOf(i);
  const body = JSON.stringify({
    source: 'storm',
    key,
    status: 'firing',
    severity: severityOf(i % KEYS),
    summary: `Storm ${key}`,
  });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signWebhook(SECRET, body) },
    body,
  });
  await response.arrayBuffer();
  if (response.status !== 202) refused += 1;
});
const sendSeconds = (performance.now() - started) / 1000;

const perKey = FIRINGS / KEYS;
const parents = () =>
  [...slack.state.messages].filter(
    (m) => !m.thread_ts && !m.visibleTo && m.text.includes('Storm storm-'),
  );
const converged = () => {
  const found = parents();
  return (
    found.length >= KEYS &&
    found.every((m) => JSON.stringify(m.blocks ?? []).includes(`*Firing count*\\n${perKey}`))
  );
};
const deadline = Date.now() + 10 * 60_000;
while (!converged() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
const convergeSeconds = (performance.now() - started) / 1000;

const open = await bot.alerts.store.listOpen();
const counted = open.reduce((sum, i) => sum + i.count, 0);
const exact = open.filter((i) => i.count === perKey).length;
const parentCount = parents().length;
const finalExact = parents().filter((m) =>
  JSON.stringify(m.blocks ?? []).includes(`*Firing count*\\n${perKey}`),
).length;
const byMethod = new Map<string, { ok: number; limited: number }>();
for (const call of slack.state.calls) {
  const entry = byMethod.get(call.method) ?? { ok: 0, limited: 0 };
  if (call.status === 429) entry.limited += 1;
  else entry.ok += 1;
  byMethod.set(call.method, entry);
}
const totalCalls = slack.state.calls.length;
const limited = slack.state.calls.filter((c) => c.status === 429).length;
await bot.stop();
await slack.stop();
const cleanup = (await import('ioredis')).Redis;
const redis = new cleanup(env.REDIS_URL);
let cursor = '0';
do {
  const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
  cursor = next;
  if (found.length) await redis.del(...found);
} while (cursor !== '0');
redis.disconnect();

const s = summarize(samples);
const met =
  parentCount === KEYS &&
  finalExact === KEYS &&
  counted === FIRINGS &&
  refused === 0 &&
  s.p99 <= 50;
const body = [
  `${FIRINGS} signed webhook firings over ${KEYS} dedup keys (4 severities → 4 channels), ${CONCURRENCY} concurrent senders, emulator rate limits on (chat.postMessage 1/s per channel, burst 3; chat.update 50/min, burst 20).`,
  '',
  '| firings | keys | sent in | endpoint p50 | p99 | max | parents | exact final counts | counted in Redis | lost | all converged after |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  `| ${FIRINGS} | ${KEYS} | ${sendSeconds.toFixed(1)} s | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} | ${parentCount} | ${finalExact}/${KEYS} (Redis ${exact}/${KEYS}) | ${counted} | ${FIRINGS - counted} | ${convergeSeconds.toFixed(0)} s |`,
  '',
  `Slack calls: ${totalCalls} in all, ${limited} answered 429 and retried after Retry-After by the outbox (none dropped: every parent converged).`,
  '',
  '| method | ok | 429 (retried) |',
  '|---|---|---|',
  ...[...byMethod].map(([method, c]) => `| ${method} | ${c.ok} | ${c.limited} |`),
].join('\n');
console.log(body);
await writeBenchSection('storm', 'Alert storm (`npm run bench:storm`)', body);
await writeBenchSummary('storm', {
  name: 'alert storm (endpoint)',
  p50: s.p50,
  p99: s.p99,
  throughput: FIRINGS / sendSeconds,
  unit: 'firings/s',
  target: 'p99 ≤ 50 ms; 100 parents, exact counts, 0 lost',
  met,
});
process.exit(met ? 0 : 1);
