// npm run bench:ack [-- N C]: ack latency of signed slash commands against opsbot (web role, real
// Redis, Slack emulator) and against a minimal Bolt app that only acks (the floor), same client.

import { SignedSlackClient } from '../src/dev/signed-client.ts';
import { SlackEmulator } from '../src/dev/slack-emulator/emulator.ts';
import { cpuMs, freePort, loadAverage, startChild, stopChild } from './lib/child.ts';
import { writeBenchSection, writeBenchSummary } from './lib/report.ts';
import { load, ms, summarize } from './lib/stats.ts';

const N = Number(process.argv[2] ?? 2000);
const C = Number(process.argv[3] ?? 50);
const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench-token';
const prefix = `bench${Date.now()}`;

const ROUNDS = 4;

function commandSender(baseUrl: string, label: string) {
  const client = new SignedSlackClient(baseUrl, SECRET);
  let sent = 0;
  return async (n: number) => {
    let failures = 0;
    const samples = await load(n, C, async () => {
      const response = await client.command(
        'promote mission-control-api 43 alias=staging',
        { id: 'U0ALICE' },
        { triggerId: `${label}-${sent++}` },
      );
      if (response.status !== 200) failures++;
    });
    return { samples, failures };
  };
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
const [botPort, floorPort] = [await freePort(), await freePort()];
const bot = await startChild(
  'src/main.ts',
  ['web'],
  { ...env, PORT: String(botPort) },
  `http://127.0.0.1:${botPort}/health`,
);
const floorChild = await startChild(
  'bench/floor-bolt.ts',
  [],
  { ...env, PORT: String(floorPort) },
  `http://127.0.0.1:${floorPort}/health`,
);
// Both apps run side by side and are measured in alternating rounds, so a busy moment of the
// (shared) machine hits both alike. Each round is N/ROUNDS commands at concurrency C; 200 commands
// warm each up first (JIT, connections, Redis scripts).
const apps = [
  { name: 'opsbot', pid: bot.pid!, send: commandSender(`http://127.0.0.1:${botPort}`, 'opsbot') },
  {
    name: 'floor',
    pid: floorChild.pid!,
    send: commandSender(`http://127.0.0.1:${floorPort}`, 'floor'),
  },
];
for (const app of apps) await app.send(200);
const loadBefore = loadAverage();
const results = {
  opsbot: { samples: [] as number[], failures: 0, cpu: 0 },
  floor: { samples: [] as number[], failures: 0, cpu: 0 },
};
for (let round = 0; round < ROUNDS; round++) {
  for (const app of round % 2 ? [...apps].reverse() : apps) {
    const cpuBefore = cpuMs(app.pid);
    const { samples, failures } = await app.send(Math.ceil(N / ROUNDS));
    const into = results[app.name as 'opsbot' | 'floor'];
    // The app's own CPU per command: a cost that does not depend on how busy the machine is.
    // (Post-ack work still running at the round's end is counted in the app's next round.)
    into.cpu += cpuMs(app.pid) - cpuBefore;
    into.samples.push(...samples);
    into.failures += failures;
  }
}
const loadAfter = loadAverage();
await stopChild(bot);
await stopChild(floorChild);
await slack.stop();
const perCommand = (cpu: number) => cpu / (Math.ceil(N / ROUNDS) * ROUNDS);
const opsbot = {
  ...summarize(results.opsbot.samples),
  failures: results.opsbot.failures,
  cpu: perCommand(results.opsbot.cpu),
};
const floor = {
  ...summarize(results.floor.samples),
  failures: results.floor.failures,
  cpu: perCommand(results.floor.cpu),
};

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
  '| app | N | C | p50 | p99 | max | non-200 | CPU per command |',
  '|---|---|---|---|---|---|---|---|',
  `| opsbot (web role) | ${N} | ${C} | ${ms(opsbot.p50)} | ${ms(opsbot.p99)} | ${ms(opsbot.max)} | ${opsbot.failures} | ${opsbot.cpu.toFixed(2)} ms |`,
  `| minimal Bolt app (floor) | ${N} | ${C} | ${ms(floor.p50)} | ${ms(floor.p99)} | ${ms(floor.max)} | ${floor.failures} | ${floor.cpu.toFixed(2)} ms |`,
];
const verdict = `Measured in ${ROUNDS} alternating rounds (${loadBefore} before, ${loadAfter} after). p99 ratio opsbot/floor: ${ratio.toFixed(2)}× (target ≤ 1.3×); p99 ${ms(opsbot.p99)} (target ≤ 50 ms). CPU per command opsbot/floor: ${(opsbot.cpu / floor.cpu).toFixed(2)}× (load-independent: under a closed loop at C=${C}, latency tracks CPU per command once the machine is quiet).`;
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
  floor: `Bolt floor p99 ${ms(floor.p99)}; ratio ${ratio.toFixed(2)}×; CPU/command ${opsbot.cpu.toFixed(2)} vs ${floor.cpu.toFixed(2)} ms`,
  target: 'p99 ≤ 50 ms and ≤ 1.3× floor',
  met: opsbot.p99 <= 50 && ratio <= 1.3,
});
