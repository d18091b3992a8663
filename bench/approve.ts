// npm run bench:approve [-- N]: time from an Approve click on a request card to its run's job
// becoming active, through a real opsbot process (web + worker), real Redis and the Slack emulator.
// The command is `ping` with a config policy of 1 approval, so no AWS call is in the path.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort } from '../src/dev/free-port.ts';
import { SignedSlackClient } from '../src/dev/signed-client.ts';
import { SlackEmulator } from '../src/dev/slack-emulator/emulator.ts';
import { requestIdFor } from '../src/requests/request.ts';
import { READS_QUEUE } from '../src/requests/runs-queue.ts';
import { BENCH_SECRET, BENCH_TOKEN, botEnv, startChild, stopChild } from './lib/child.ts';
import { writeBenchSection, writeBenchSummary } from './lib/report.ts';
import { ms, summarize } from './lib/stats.ts';

const N = Number(process.argv[2] ?? 200);
const WARMUP = 20;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ALICE = { id: 'U0ALICE', name: 'alice' };
const JOSH = { id: 'U0JOSH', name: 'josh' };
const TARGET_P50_MS = 20;

const slack = new SlackEmulator({ tokens: [BENCH_TOKEN] });
const slackUrl = await slack.start();
slack.state.addChannel('C0OPS', 'ops');
for (const u of [ALICE, JOSH]) slack.state.addUser(u.id, u.name);

// Cards by request id, as soon as the emulator has posted them.
const cards = new Map<string, string>();
const cardWaiters = new Map<string, (ts: string) => void>();
slack.state.on(
  'message',
  (m: { ts: string; thread_ts?: string; blocks?: unknown[]; edits: number }) => {
    if (m.thread_ts || m.edits > 0) return;
    const id = /request (req_[0-9a-f]{16})"/.exec(JSON.stringify(m.blocks ?? []))?.[1];
    if (!id) return;
    cards.set(id, m.ts);
    cardWaiters.get(id)?.(m.ts);
  },
);

const configPath = join(tmpdir(), `opsbot-bench-approve-${process.pid}.yml`);
writeFileSync(
  configPath,
  [
    'slack: { ops_channel: C0OPS }',
    'groups:',
    '  operators: { users: [U0ALICE, U0JOSH] }',
    '  approvers: { users: [U0JOSH] }',
    // The groups the commands' own default policies and alerts.responders name.
    '  oncall: { users: [U0JOSH] }',
    '  security: { users: [U0JOSH] }',
    '  break-glass: { users: [U0JOSH] }',
    // No guided runbooks: the example ones name targets this config does not have.
    `guided_runbooks: { folders: [${JSON.stringify(mkdtempSync(join(tmpdir(), 'opsbot-bench-runbooks-')))}] }`,
    // Alice asks for every request: above the default 30 a minute, she would be refused.
    'limits: { requests_per_minute_per_user: 100000 }',
    'policies:',
    '  ping:',
    '    default: { requesters: [operators], approvals: 1, approver_groups: [approvers] }',
  ].join('\n'),
);

const prefix = `benchapprove${Date.now()}`;
const port = await freePort();
const bot = await startChild(
  'src/main.ts',
  ['all'],
  botEnv(slackUrl, prefix, { OPSBOT_CONFIG: configPath, PORT: String(port) }),
  `http://127.0.0.1:${port}/health`,
);

const redis = new Redis(REDIS_URL);
// `ping` reads nothing and changes nothing: its runs go to the read-only runs queue.
const events = new QueueEvents(READS_QUEUE, {
  connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
  prefix,
});
await events.waitUntilReady();
const activeWaiters = new Map<string, () => void>();
events.on('active', ({ jobId }) => activeWaiters.get(jobId)?.());

const client = new SignedSlackClient(`http://127.0.0.1:${port}`, BENCH_SECRET);

/** Creates a pending request and returns its id and card, once the card's location is stored. */
async function pendingRequest(i: number) {
  const triggerId = `approve-${prefix}-${i}`;
  const id = requestIdFor(triggerId);
  const posted = new Promise<string>((resolve) => cardWaiters.set(id, resolve));
  await client.command('ping', ALICE, { triggerId });
  const ts = cards.get(id) ?? (await posted);
  while (!(await redis.hget(`${prefix}:request:${id}`, 'card_ts')))
    await new Promise((resolve) => setTimeout(resolve, 2));
  return { id, ts };
}

async function approveAndTime(i: number): Promise<number> {
  const { id, ts } = await pendingRequest(i);
  const active = new Promise<void>((resolve) => activeWaiters.set(id, resolve));
  const started = performance.now();
  await client.clickButton('request.approve', id, JOSH, { channel: 'C0OPS', ts });
  await active;
  return performance.now() - started;
}

for (let i = 0; i < WARMUP; i++) await approveAndTime(-1 - i);
const samples: number[] = [];
for (let i = 0; i < N; i++) samples.push(await approveAndTime(i));

await events.close();
await stopChild(bot);
await slack.stop();
const leftovers = await redis.keys(`${prefix}:*`);
if (leftovers.length) await redis.del(...leftovers);
redis.disconnect();

const s = summarize(samples);
const met = s.p50 <= TARGET_P50_MS;
const body = [
  'Approve click (signed `block_actions` over HTTP) → the run’s job becomes active (BullMQ `active` event),',
  'one request at a time, each approved by an eligible approver (1 approval needed).',
  '',
  '| run | N | p50 | p95 | p99 | max | target p50 | met |',
  '|---|---|---|---|---|---|---|---|',
  `| Approve → job active | ${N} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} | ≤ ${TARGET_P50_MS} ms | ${met ? 'yes' : 'no'} |`,
].join('\n');
console.log(body);
await writeBenchSection('approve', 'Approval latency (`npm run bench:approve`)', body);
await writeBenchSummary('approve', {
  name: 'approve click → job active',
  p50: s.p50,
  p99: s.p99,
  target: `p50 ≤ ${TARGET_P50_MS} ms`,
  met,
});
// Some client handle (BullMQ/ioredis) can keep the loop alive after close; the bench is done.
process.exit(0);
