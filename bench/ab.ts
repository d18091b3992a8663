// npm run bench:ab -- <checkout A> <checkout B> [rounds] [pings]: two compiled bots side by side
// (the `all` role, the image's node flags and, where installed, its allocator), each from a
// checkout with `dist/` built (`npm run build` there), on one Slack emulator and the shared Redis.
// After 3 warm-up rounds each, rounds of
// `pings` `/ops ping` at C=20 alternate between them (A B, B A, …) so a change in the host's speed
// falls on both alike; the bot's CPU per run is compared round by round (paired differences).
// Nothing is written to docs/: this is how a change to the run path is judged before it is kept.
//
// Variants: AB_FLAGS_B="--max-semi-space-size=16" gives bot B other node flags (A B of the same
// checkout then compares flags); AB_PINGS_B=500 gives bot B rounds of another size; AB_NODE_B=<path>
// runs bot B on another node binary (A B of the same checkout then compares Node.js versions);
// AB_ENV_B="MALLOC_ARENA_MAX=1 LD_PRELOAD=…" gives bot B more environment (an allocator, its tunables);
// AB_CONCURRENCY=1 sends the pings one at a time (for latency: compare the p50s) instead of 20 at once;
// BENCH_CPU_PROF=<dir> makes each bot write a V8 CPU profile to <dir>/A and <dir>/B when it stops.
//
// Example: git worktree add ../base HEAD && (cd ../base && ln -s ../main/node_modules . && npm run build)
//          npm run build && npm run bench:ab -- ../base . 6 2000
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { SignedSlackClient } from '../src/dev/signed-client.ts';
import { requestIdFor } from '../src/requests/request.ts';
import {
  BENCH_SECRET,
  BENCH_TOKEN,
  botEnv,
  cpuMs,
  IMAGE_NODE_FLAGS,
  imageAllocatorEnv,
  speedProbe,
  stopChild,
  waitUntilReady,
} from './lib/child.ts';
import { dropKeys } from './lib/drop-keys.ts';
import { pingBenchConfig, startPingSlack } from './lib/ping-runs.ts';
import { load, ms, summarize } from './lib/stats.ts';

const [dirA, dirB] = [process.argv[2], process.argv[3]];
if (!dirA || !dirB) {
  console.error('usage: npm run bench:ab -- <checkout A> <checkout B> [rounds] [pings]');
  process.exit(2);
}
const ROUNDS = Number(process.argv[4] ?? 6);
const PINGS = Number(process.argv[5] ?? 2000);
const PINGS_B = Number(process.env.AB_PINGS_B ?? PINGS);
const CONCURRENCY = Number(process.env.AB_CONCURRENCY ?? 20);
const FLAGS_B = process.env.AB_FLAGS_B?.split(' ').filter(Boolean) ?? IMAGE_NODE_FLAGS;
const NODE_B = process.env.AB_NODE_B ?? process.execPath;
const ENV_B = Object.fromEntries(
  (process.env.AB_ENV_B ?? '')
    .split(' ')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const { slack, slackUrl, finishes } = await startPingSlack(BENCH_TOKEN);
const configPath = pingBenchConfig('ab');

interface Bot {
  name: 'A' | 'B';
  child: ChildProcess;
  client: SignedSlackClient;
  prefix: string;
  pings: number;
  sent: number;
}

async function startBot(name: Bot['name'], dir: string, port: number, flags: string[]) {
  const prefix = `benchab${name.toLowerCase()}${Date.now()}`;
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF, name)}`]
    : [];
  const child = spawn(
    name === 'B' ? NODE_B : process.execPath,
    [...profile, ...flags, resolve(dir, 'dist/main.js'), 'all'],
    {
      cwd: resolve(dir),
      env: {
        ...process.env,
        ...imageAllocatorEnv(),
        ...botEnv(slackUrl, prefix, { OPSBOT_CONFIG: configPath, PORT: String(port), REDIS_URL }),
        ...(name === 'B' ? ENV_B : {}),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await waitUntilReady(child, `http://127.0.0.1:${port}/health`, `bot ${name}`);
  const client = new SignedSlackClient(`http://127.0.0.1:${port}`, BENCH_SECRET);
  const pings = name === 'B' ? PINGS_B : PINGS;
  return { name, child, client, prefix, pings, sent: 0 } satisfies Bot;
}

const bots: Bot[] = [
  await startBot('A', dirA, 3311, IMAGE_NODE_FLAGS),
  await startBot('B', dirB, 3312, FLAGS_B),
];
process.once('exit', () => {
  for (const bot of bots) bot.child.kill('SIGKILL');
});

/** One round of `bot.pings` pings at C=CONCURRENCY: the bot's CPU per run, runs/s and p50. */
async function round(bot: Bot) {
  const first = bot.sent;
  bot.sent += bot.pings;
  const cpu = cpuMs(bot.child.pid!);
  const started = performance.now();
  const samples = await load(bot.pings, CONCURRENCY, async (i) => {
    const triggerId = `${bot.prefix}-${first + i}`;
    const done = finishes.finish(requestIdFor(triggerId));
    await bot.client.command('ping', { id: 'U0ALICE' }, { triggerId });
    await done;
  });
  return {
    cpuPerRun: (cpuMs(bot.child.pid!) - cpu) / bot.pings,
    perSecond: bot.pings / ((performance.now() - started) / 1000),
    p50: summarize(samples).p50,
  };
}

for (let i = 0; i < 3; i++) for (const bot of bots) await round(bot);
const results: Record<Bot['name'], Awaited<ReturnType<typeof round>>[]> = { A: [], B: [] };
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? bots : [...bots].reverse();
  const probe = speedProbe();
  for (const bot of order) {
    const result = await round(bot);
    results[bot.name].push(result);
    console.log(
      `round ${r + 1} ${bot.name}: bot CPU ${ms(result.cpuPerRun)}/run, ${result.perSecond.toFixed(0)} runs/s, p50 ${ms(result.p50)} (speed probe ${ms(probe)})`,
    );
  }
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
for (const bot of bots) {
  const own = results[bot.name];
  console.log(
    `${bot.name} (${bot.name === 'A' ? dirA : dirB}): median bot CPU ${ms(median(own.map((x) => x.cpuPerRun)))}/run, ${median(own.map((x) => x.perSecond)).toFixed(0)} runs/s, p50 ${ms(median(own.map((x) => x.p50)))}`,
  );
}
const differences = results.A.map((a, i) => results.B[i]!.cpuPerRun - a.cpuPerRun);
const mean = differences.reduce((sum, d) => sum + d, 0) / differences.length;
console.log(
  `B − A, bot CPU per run, round by round: ${differences.map((d) => d.toFixed(3)).join(' ')} ms (mean ${mean.toFixed(3)} ms, ${((100 * mean) / median(results.A.map((x) => x.cpuPerRun))).toFixed(1)} % of A's median)`,
);
const p50s = results.A.map((a, i) => results.B[i]!.p50 - a.p50);
console.log(
  `B − A, p50 slash → result at C=${CONCURRENCY}, round by round: ${p50s.map((d) => d.toFixed(2)).join(' ')} ms (mean ${(p50s.reduce((sum, d) => sum + d, 0) / p50s.length).toFixed(2)} ms)`,
);
for (const bot of bots) await stopChild(bot.child);
await slack.stop();
await dropKeys(REDIS_URL, ...bots.map((bot) => bot.prefix));
