// npm run bench:ack [-- N C]: ack latency of signed slash commands against opsbot (web role, real
// Redis, Slack emulator) and against a minimal Bolt app that only acks (the floor), same client.

import { SignedSlackClient } from '../src/dev/signed-client.ts';
import { SlackEmulator } from '../src/dev/slack-emulator/emulator.ts';
import { startChild, stopChild } from './lib/child.ts';
import { writeBenchSection, writeBenchSummary } from './lib/report.ts';
import { load, ms, summarize } from './lib/stats.ts';

const N = Number(process.argv[2] ?? 2000);
const C = Number(process.argv[3] ?? 50);
const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench-token';
const prefix = `bench${Date.now()}`;

async function measure(baseUrl: string, label: string) {
  const client = new SignedSlackClient(baseUrl, SECRET);
  // Warm up: JIT, connections, Redis scripts.
  await load(200, C, async (i) => {
    await client.command(
      'promote mission-control-api 43 alias=staging',
      { id: 'U0ALICE' },
      { triggerId: `warm-${label}-${i}` },
    );
  });
  let failures = 0;
  const samples = await load(N, C, async (i) => {
    const response = await client.command(
      'promote mission-control-api 43 alias=staging',
      { id: 'U0ALICE' },
      { triggerId: `${label}-${i}` },
    );
    if (response.status !== 200) failures++;
  });
  return { ...summarize(samples), failures };
}

const slack = new SlackEmulator({ tokens: [TOKEN] });
const slackUrl = await slack.start();
slack.state.addChannel('C0OPS', 'ops');
slack.state.addUser('U0ALICE', 'alice');

const env = {
  SLACK_BOT_TOKEN: TOKEN,
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: slackUrl,
  OPSBOT_PREFIX: prefix,
  LOG_LEVEL: 'error',
};
const bot = await startChild(
  'src/main.ts',
  ['web'],
  { ...env, PORT: '3201' },
  'http://127.0.0.1:3201/health',
);
const opsbot = await measure('http://127.0.0.1:3201', 'opsbot');
await stopChild(bot);
const floorChild = await startChild(
  'bench/floor-bolt.ts',
  [],
  { ...env, PORT: '3202' },
  'http://127.0.0.1:3202/health',
);
const floor = await measure('http://127.0.0.1:3202', 'floor');
await stopChild(floorChild);
await slack.stop();

// Remove the bench's queued jobs and request keys.
const { Redis } = await import('ioredis');
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
let cursor = '0';
do {
  const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
  cursor = next;
  if (keys.length) await redis.del(...keys);
} while (cursor !== '0');
redis.disconnect();

const ratio = opsbot.p99 / floor.p99;
const rows = [
  '| app | N | C | p50 | p99 | max | non-200 |',
  '|---|---|---|---|---|---|---|',
  `| opsbot (web role) | ${N} | ${C} | ${ms(opsbot.p50)} | ${ms(opsbot.p99)} | ${ms(opsbot.max)} | ${opsbot.failures} |`,
  `| minimal Bolt app (floor) | ${N} | ${C} | ${ms(floor.p50)} | ${ms(floor.p99)} | ${ms(floor.max)} | ${floor.failures} |`,
];
const verdict = `p99 ratio opsbot/floor: ${ratio.toFixed(2)}× (target ≤ 1.3×); p99 ${ms(opsbot.p99)} (target ≤ 50 ms)`;
console.log([...rows, '', verdict].join('\n'));
await writeBenchSection(
  'ack',
  'Ack latency (`npm run bench:ack`)',
  [...rows, '', verdict].join('\n'),
);
await writeBenchSummary('ack', {
  name: `ack latency (N=${N}, C=${C})`,
  p50: opsbot.p50,
  p99: opsbot.p99,
  floor: `Bolt floor p99 ${ms(floor.p99)}; ratio ${ratio.toFixed(2)}×`,
  target: 'p99 ≤ 50 ms and ≤ 1.3× floor',
  met: opsbot.p99 <= 50 && ratio <= 1.3,
});
