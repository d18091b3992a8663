// npm run bench:commands [-- N]: Redis commands and Slack Web API calls per no-op run (`/ops ping`,
// slash command → result posted), counted with MONITOR on a redis-server of the bench's own and
// the Slack emulator's call log. Idle traffic (BullMQ's blocking reads, heartbeats, sweepers) over
// the same time is measured first and subtracted.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { SignedSlackClient } from '../src/dev/signed-client.ts';
import { requestIdFor } from '../src/requests/request.ts';
import {
  BENCH_SECRET,
  BENCH_TOKEN,
  botEnv,
  freePort,
  loadAverage,
  startChild,
  stopChild,
} from './lib/child.ts';
import { pingBenchConfig, startPingSlack } from './lib/ping-runs.ts';
import { writeBenchSection } from './lib/report.ts';

const N = Number(process.argv[2] ?? 300);

const redisPort = await freePort();
const server = spawn(
  'redis-server',
  ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  { stdio: 'ignore' },
);
const redisUrl = `redis://127.0.0.1:${redisPort}`;
const admin = new Redis(redisUrl, { retryStrategy: (n) => (n > 50 ? null : 100) });
admin.on('error', () => {});
await admin.ping();

/** CPU seconds the redis-server has used (user + system), from /proc (Linux). */
const redisCpu = () => {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const { slack, slackUrl, finishes } = await startPingSlack(BENCH_TOKEN);

const port = await freePort();
const bot = await startChild(
  'src/main.ts',
  ['all'],
  botEnv(slackUrl, 'bench', {
    REDIS_URL: redisUrl,
    OPSBOT_CONFIG: pingBenchConfig('commands'),
    PORT: String(port),
  }),
  `http://127.0.0.1:${port}/health`,
);
process.once('exit', () => bot.kill('SIGKILL')); // a failed bench leaves no bot behind
const client = new SignedSlackClient(`http://127.0.0.1:${port}`, BENCH_SECRET);
const ping = async (triggerId: string) => {
  const done = finishes.finish(requestIdFor(triggerId));
  await client.command('ping', { id: 'U0ALICE' }, { triggerId });
  await done;
};
for (let i = 0; i < 20; i++) await ping(`warm-${i}`);
await sleep(2000);

// redis-server CPU per run without MONITOR (which costs CPU of its own), idle subtracted.
const cpuWindow = async (work: () => Promise<void>) => {
  const cpu = redisCpu();
  const started = performance.now();
  await work();
  return { cpu: redisCpu() - cpu, seconds: (performance.now() - started) / 1000 };
};
const cpuRuns = await cpuWindow(async () => {
  for (let i = 0; i < N; i++) await ping(`cpu-${i}`);
});
const cpuIdle = await cpuWindow(() => sleep(cpuRuns.seconds * 1000));
const cpuPerRunMs = ((cpuRuns.cpu - (cpuIdle.cpu * cpuRuns.seconds) / cpuIdle.seconds) / N) * 1000;

const monitor = await admin.monitor();
let counting: Map<string, number> | undefined;
let scripted = 0;
// Round trips: a MULTI…EXEC block (sent as one pipeline by ioredis) counts once.
let roundTrips = 0;
const inMulti = new Set<string>();
// BENCH_TRACE=1 prints one run's commands in order (connection, command, key), to find round trips.
let trace: string[] | undefined;
monitor.on('monitor', (_time: string, args: string[], source: string) => {
  trace?.push(`${source.padEnd(16)} ${args.slice(0, 2).join(' ').slice(0, 110)}`);
  if (!counting) return;
  const name = args[0]!.toLowerCase();
  if (source === 'lua') scripted++;
  else {
    counting.set(name, (counting.get(name) ?? 0) + 1);
    if (name === 'multi') {
      inMulti.add(source);
      roundTrips++;
    } else if (name === 'exec') inMulti.delete(source);
    else if (!inMulti.has(source)) roundTrips++;
  }
});
const window = async (work: () => Promise<void>) => {
  counting = new Map();
  scripted = 0;
  roundTrips = 0;
  const calls = slack.state.calls.length;
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const result = {
    commands: counting,
    scripted,
    roundTrips,
    slack: slack.state.calls.length - calls,
    seconds,
  };
  counting = undefined;
  return result;
};
const runs = await window(async () => {
  for (let i = 0; i < N; i++) await ping(`count-${i}`);
});
const idle = await window(() => sleep(runs.seconds * 1000));
if (process.env.BENCH_TRACE) {
  trace = [];
  const calls = slack.state.calls.length;
  await ping('trace-0');
  await sleep(300);
  console.log(trace.join('\n'));
  console.log(
    slack.state.calls
      .slice(calls)
      .map((c: { method: string }) => c.method)
      .join(', '),
  );
  trace = undefined;
}
monitor.disconnect();
await stopChild(bot);
await slack.stop();
admin.disconnect();
server.kill();

const perRun = (byRun: number, byIdle: number) =>
  (byRun - (byIdle * runs.seconds) / idle.seconds) / N;
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const names = [...new Set([...runs.commands.keys(), ...idle.commands.keys()])]
  .map(
    (name) => [name, perRun(runs.commands.get(name) ?? 0, idle.commands.get(name) ?? 0)] as const,
  )
  .filter(([, n]) => n >= 0.05)
  .sort((a, b) => b[1] - a[1]);
const body = [
  `${N} runs one at a time (C=1) after 20 warm-up runs, on a redis-server of the bench's own; idle traffic over the same ${runs.seconds.toFixed(1)} s subtracted.`,
  '',
  `Command: \`npm run bench:commands -- ${N}\`.`,
  '',
  '| per `/ops ping` run | count |',
  '|---|---|',
  `| Redis commands sent (round trips before pipelining) | ${perRun(total(runs.commands), total(idle.commands)).toFixed(1)} |`,
  `| Redis round trips (a MULTI…EXEC block counts once) | ${perRun(runs.roundTrips, idle.roundTrips).toFixed(1)} |`,
  `| of which scripts (EVAL/EVALSHA) | ${perRun((runs.commands.get('evalsha') ?? 0) + (runs.commands.get('eval') ?? 0), (idle.commands.get('evalsha') ?? 0) + (idle.commands.get('eval') ?? 0)).toFixed(1)} |`,
  `| commands run inside those scripts | ${perRun(runs.scripted, idle.scripted).toFixed(1)} |`,
  `| Slack Web API calls | ${(runs.slack / N).toFixed(1)} |`,
  `| redis-server CPU | ${cpuPerRunMs.toFixed(2)} ms (so one shard's core saturates near ${Math.round(1000 / cpuPerRunMs)} runs/s) |`,
  '',
  `Measured on a shared machine under load (${loadAverage()}): the CPU figure is high under contention; rerun on a quiet machine for capacity planning.`,
  '',
  `By command: ${names.map(([name, n]) => `${name} ${n.toFixed(1)}`).join(', ')}.`,
].join('\n');
console.log(body);
await writeBenchSection(
  'commands',
  'Redis commands and Slack calls per run (`npm run bench:commands`)',
  body,
);
