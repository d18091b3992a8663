// npm run bench:memory [-- trials]: idle memory of each role of the compiled build, as the image
// and its Kubernetes manifests run it (`node <the role's flags> dist/main.js <role>`: the
// Dockerfile's NODE_OPTIONS, the web Deployment's for the web role), and cold start to /ready.
// Per trial and role: VmRSS 8 s after the process answers (start-up's garbage still held) and at
// 30 s (idle: V8's memory reducer has run), then VmRSS and V8's heap after a forced full GC
// (bench/lib/memory-probe.js, on SIGUSR2). Roles alternate across trials; medians reported.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SlackEmulator } from '../src/dev/slack-emulator/emulator.ts';
import {
  allocatorNote,
  BENCH_TOKEN,
  botEnv,
  freePort,
  IMAGE_NODE_FLAGS,
  imageAllocatorEnv,
  imageNodeFlags,
  loadAverage,
  stopChild,
  WEB_NODE_FLAGS,
} from './lib/child.ts';
import { dropKeys } from './lib/drop-keys.ts';
import { writeBenchSection, writeBenchSummary } from './lib/report.ts';

const TRIALS = Number(process.argv[2] ?? 3);
const TARGETS: Record<string, number | undefined> = { all: 120, web: 90, worker: undefined };
const ALL_ROLES = ['all', 'web', 'worker'] as const;
/**
 * `MEMORY_ROLES=web` (comma-separated) measures only those roles, e.g. while cutting one role; such
 * a run prints its table and writes neither docs/benchmarks/memory.md nor the summary row.
 */
const ROLES = process.env.MEMORY_ROLES
  ? ALL_ROLES.filter((r) => process.env.MEMORY_ROLES!.split(',').includes(r))
  : ALL_ROLES;
/**
 * Seconds after the first answer at which RSS is read. A role holds its start-up's garbage until
 * V8's memory reducer runs, which it schedules 8 s after a full GC: every role's RSS stays flat to
 * about 12-15 s, falls by 12-16 MB by 20 s and is flat from then to at least 60 s (sampled every
 * few seconds, 2 x AMD EPYC, 2026-12-03). The 8 s figure is start-up; the 30 s one is what an idle
 * process holds, and the one the targets are judged on.
 */
const STARTUP_AT_S = 8;
const IDLE_AT_S = 30;

const built = spawnSync(process.execPath, ['scripts/build.js'], { stdio: 'inherit' });
if (built.status !== 0) throw new Error('npm run build failed');

const slack = new SlackEmulator({ tokens: [BENCH_TOKEN] });
const slackUrl = await slack.start();
const loadBefore = loadAverage();

const vmRss = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

interface Trial {
  coldStartMs: number;
  startupRss: number;
  idleRss: number;
  gcRss: number;
  heapUsed: number;
  heapTotal: number;
}

async function trial(role: string, index: number): Promise<Trial> {
  const port = await freePort();
  const out = join(tmpdir(), `opsbot-memory-${process.pid}-${role}-${index}.jsonl`);
  rmSync(out, { force: true });
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...imageNodeFlags(role),
      '--expose-gc',
      '--import',
      './bench/lib/memory-probe.js',
      'dist/main.js',
      role,
    ],
    {
      env: {
        ...process.env,
        ...imageAllocatorEnv(),
        NODE_ENV: 'production',
        ...botEnv(slackUrl, `benchmem${process.pid}${role}`, {
          OPSBOT_CONFIG: 'opsbot.example.yml',
          PORT: String(port),
          MEMORY_PROBE_OUT: out,
        }),
      },
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  // The all role has a worker, so /ready can answer 200; a web or worker role alone answers /health.
  const url = `http://127.0.0.1:${port}/${role === 'all' ? 'ready' : 'health'}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${role} exited with ${child.exitCode}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (performance.now() - started > 60_000) throw new Error(`${role} did not answer ${url}`);
    await sleep(20);
  }
  const answered = performance.now();
  const coldStartMs = answered - started;
  const until = (seconds: number) =>
    sleep(Math.max(0, seconds * 1000 - (performance.now() - answered)));
  await until(STARTUP_AT_S);
  const startupRss = vmRss(child.pid!);
  await until(IDLE_AT_S);
  const idleRss = vmRss(child.pid!);
  child.kill('SIGUSR2');
  let probe: { rssKb: number; heapUsed: number; heapTotal: number } | undefined;
  for (let i = 0; i < 100 && !probe; i++) {
    await sleep(100);
    try {
      probe = JSON.parse(readFileSync(out, 'utf8').trim().split('\n').at(-1)!);
    } catch {}
  }
  await stopChild(child);
  rmSync(out, { force: true });
  if (!probe) throw new Error(`${role} wrote no memory probe`);
  return {
    coldStartMs,
    startupRss,
    idleRss,
    gcRss: probe.rssKb / 1024,
    heapUsed: probe.heapUsed / 2 ** 20,
    heapTotal: probe.heapTotal / 2 ** 20,
  };
}

const results = new Map<string, Trial[]>(ROLES.map((r) => [r, []]));
for (let i = 0; i < TRIALS; i++) {
  for (const role of ROLES) results.get(role)!.push(await trial(role, i));
}
await slack.stop();
await dropKeys(
  process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  ...ROLES.map((role) => `benchmem${process.pid}${role}`),
);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const rows = ROLES.map((role) => {
  const trials = results.get(role)!;
  const pick = (k: keyof Trial) => median(trials.map((t) => t[k]));
  const target = TARGETS[role];
  const idle = pick('idleRss');
  return {
    role,
    target,
    idle,
    line: `| ${role} | ${trials.map((t) => t.startupRss.toFixed(0)).join(', ')} | ${trials.map((t) => t.idleRss.toFixed(0)).join(', ')} | ${idle.toFixed(0)} MB | ${pick('gcRss').toFixed(0)} MB | ${pick('heapUsed').toFixed(0)} / ${pick('heapTotal').toFixed(0)} MB | ${pick('coldStartMs').toFixed(0)} ms${role === 'all' ? ' (/ready)' : ' (/health)'} | ${target ? `≤ ${target} MB` : '—'} | ${target ? (idle <= target ? 'met' : 'not met') : '—'} |`,
    coldStart: pick('coldStartMs'),
  };
});
const body = [
  `Command: \`npm run bench:memory -- ${TRIALS}\` (compiled build, \`node ${IMAGE_NODE_FLAGS.join(' ')} dist/main.js <role>\` as in the image for the all and worker roles, \`node ${WEB_NODE_FLAGS.join(' ')} dist/main.js web\` as the web Deployment runs it (its own NODE_OPTIONS); allocator: ${allocatorNote()}; real Redis, Slack emulator, no traffic, \`opsbot.example.yml\`). ${loadBefore} before, ${loadAverage()} after: the machine was shared, so cold start times are noisy; RSS much less so.`,
  '',
  `| role | VmRSS at ${STARTUP_AT_S} s per trial (MB) | idle VmRSS at ${IDLE_AT_S} s per trial (MB) | idle VmRSS (median) | VmRSS after forced GC | V8 heap used / total after GC | cold start | target | met |`,
  '|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => r.line),
  '',
  `Seconds are counted from the process's first answer. At ${STARTUP_AT_S} s a role still holds its start-up's garbage; V8's memory reducer, scheduled 8 s after a full GC, frees it by about 20 s, and RSS is flat from then on. Idle VmRSS (the targets) is read at ${IDLE_AT_S} s. After forced GC: \`global.gc()\` twice on SIGUSR2 (\`bench/lib/memory-probe.js\`), after the ${IDLE_AT_S} s reading.`,
].join('\n');
console.log(body);
if (process.env.MEMORY_ROLES) process.exit(0);
await writeBenchSection(
  'memory',
  'Idle memory per role and cold start (`npm run bench:memory`)',
  body,
);
await writeBenchSummary(
  'memory',
  rows.map((r) => ({
    name: `idle RSS, ${r.role} role (compiled)`,
    idleRssMb: r.idle,
    ...(r.target ? { target: `≤ ${r.target} MB`, met: r.idle <= r.target } : {}),
    ...(r.role === 'all' ? { coldStartMs: r.coldStart } : {}),
  })),
);
