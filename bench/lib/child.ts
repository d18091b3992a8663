import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';

/** The flags the Docker image gives node (the Dockerfile's NODE_OPTIONS): the all and worker roles. */
export const IMAGE_NODE_FLAGS = ['--max-semi-space-size=4'];

/**
 * The web role's flags: the NODE_OPTIONS of the web Deployment (deploy/kubernetes/web.yaml), which
 * replaces the image's. The image's 4 MB semi-spaces and one V8 worker thread instead of four: the
 * web role runs no long jobs (docs/benchmarks.md, "Where the memory goes"; 2 MB semi-spaces were
 * tried and cost the ack's p99). test/unit/dockerfile.test.ts and
 * test/integration/kubernetes-manifests.test.ts check that the image and the manifests say the same.
 */
export const WEB_NODE_FLAGS = ['--max-semi-space-size=4', '--v8-pool-size=1'];

/**
 * The image's allocator (the Dockerfile's LD_PRELOAD and MALLOC_CONF): jemalloc, whose background
 * thread hands freed pages back to the system after a second. glibc's malloc keeps what node's
 * threads free in their arenas (2.5-5.5 MB of an idle web role, a different amount every start);
 * docs/benchmarks/memory-breakdown.md, round 4. test/unit/dockerfile.test.ts checks the Dockerfile
 * says the same.
 */
export const IMAGE_ALLOCATOR_ENV = {
  LD_PRELOAD: 'libjemalloc.so.2',
  MALLOC_CONF: 'background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0',
};

let jemalloc: boolean | undefined;
/** Whether this machine has the image's allocator (Debian: `apt-get install libjemalloc2`). */
export function hasImageAllocator(): boolean {
  jemalloc ??= /libjemalloc\.so\.2\b/.test(
    spawnSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }).stdout ?? '',
  );
  return jemalloc;
}

/** IMAGE_ALLOCATOR_ENV where this machine has jemalloc; else nothing (glibc's malloc). */
export const imageAllocatorEnv = (): Record<string, string> =>
  hasImageAllocator() ? IMAGE_ALLOCATOR_ENV : {};

/** Which allocator a bench ran the bot with, for its report. */
export const allocatorNote = (): string =>
  hasImageAllocator()
    ? `jemalloc preloaded as in the image (\`LD_PRELOAD=${IMAGE_ALLOCATOR_ENV.LD_PRELOAD} MALLOC_CONF=${IMAGE_ALLOCATOR_ENV.MALLOC_CONF}\`)`
    : "glibc's malloc: libjemalloc2 is not installed here (`apt-get install libjemalloc2`), so not the image's allocator";

/** The flags the image's deployment gives node for `role`. */
export const imageNodeFlags = (role: string): string[] =>
  role === 'web' ? WEB_NODE_FLAGS : IMAGE_NODE_FLAGS;

/**
 * How a bench starts the bot: `node --import tsx src/main.ts`, or with `BENCH_COMPILED=1` (set by
 * `npm run bench`, which builds first) the image's path, `node <the role's flags> dist/main.js`.
 * `imageFlags` gives the role's flags to the tsx path as well (a bench that measures one role as
 * deployed, such as bench:ack).
 */
export function botCommand(entry: string, role = 'all', imageFlags = false): string[] {
  if (entry === 'src/main.ts' && process.env.BENCH_COMPILED === '1' && existsSync('dist/main.js'))
    return [...imageNodeFlags(role), 'dist/main.js'];
  return [...(imageFlags ? imageNodeFlags(role) : []), '--import', 'tsx', entry];
}

/**
 * Starts a TypeScript entry point as a child process and waits until `ready` answers 200.
 * `BENCH_CPU_PROF=<dir>` makes every bench child write a V8 CPU profile there on exit.
 */
export async function startChild(
  entry: string,
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
  nodeArgs: string[] = [],
  imageFlags = false,
): Promise<ChildProcess> {
  const command = botCommand(entry, args[0], imageFlags);
  const asImage = imageFlags || command[command.length - 1] === 'dist/main.js';
  const child = spawn(process.execPath, [...profileArgs(), ...nodeArgs, ...command, ...args], {
    env: { ...process.env, ...(asImage ? imageAllocatorEnv() : {}), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitUntilReady(child, readyUrl, entry);
  return child;
}

/** Waits until `readyUrl` answers 200 (30 s at most); fails at once if `child` exits first. */
export async function waitUntilReady(child: ChildProcess, readyUrl: string, name: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      const response = await fetch(readyUrl);
      if (response.ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${name} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const profileArgs = () =>
  process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];

export { freePort } from '../../src/dev/free-port.ts';

/** Runs a TypeScript entry point to its end and returns what it printed on stdout as JSON. */
export function runChildJson<T>(entry: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...profileArgs(), '--import', 'tsx', entry, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${entry} exited with ${code}`));
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** The load average line (`uptime`'s figures), to print next to every timing. */
export const loadAverage = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`;

/**
 * The share of CPU time the hypervisor gave to others while this machine wanted it (`steal` in
 * /proc/stat, Linux), since the meter's last reading. A virtual machine's load average does not
 * show it: with a busy neighbour every process here runs slower, the floors included.
 */
export function stealMeter(): () => number {
  const read = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1);
    const ticks = fields.map(Number);
    return { steal: ticks[7] ?? 0, total: ticks.reduce((sum, t) => sum + t, 0) };
  };
  let last = read();
  return () => {
    const now = read();
    const share = (now.steal - last.steal) / Math.max(1, now.total - last.total);
    last = now;
    return share;
  };
}

/**
 * A fixed piece of single-threaded work (SHA-256 and JSON, the kinds of work a run does), timed in
 * ms: lower is faster. On a shared virtual machine the host can slow every process here by half or
 * more within a minute without the steal counter showing it (2 × AMD EPYC, 2026-12-03: the same
 * work took 1.1 to 1.9 s from one minute to the next), so benches print it beside their rounds.
 */
export function speedProbe(): number {
  const started = performance.now();
  let sink = 0;
  for (let i = 0; i < 10_000; i++) {
    sink += createHash('sha256').update(`probe-${i}`).digest()[0]!;
    sink += JSON.stringify({ i, list: [i, i + 1], text: `probe-${i}` }).length;
  }
  if (sink < 0) throw new Error('unreachable');
  return performance.now() - started;
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** Peak resident set size of a child in MB, from /proc (Linux), sampled until stopped. */
export function sampleRss(pid: number) {
  let peak = 0;
  const read = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {}
  };
  read();
  const timer = setInterval(read, 100);
  return {
    stop: () => {
      clearInterval(timer);
      read();
      return peak;
    },
  };
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux; 0 elsewhere). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5): 11 and 12 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/** The node flags that make a bench child count its socket writes (`socketWrites` reads them). */
export const SOCKET_WRITE_FLAGS = ['--require', './bench/lib/socket-writes.cjs'];

/**
 * Socket writes (write system calls) a child started with `SOCKET_WRITE_FLAGS` and
 * `BENCH_SOCKET_WRITES=<file>` has made so far, by remote port.
 */
export async function socketWrites(
  child: ChildProcess,
  file: string,
): Promise<Record<string, number>> {
  rmSync(file, { force: true });
  child.kill('SIGUSR2');
  for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
}

/** The Slack credentials of every bench bot: the emulator accepts the token, signed clients use the secret. */
export const BENCH_TOKEN = 'xoxb-bench-token';
export const BENCH_SECRET = 'bench-signing-secret-0123456789';

/** The environment a bench bot runs with: the emulator at `slackUrl`, keys under `prefix`, error logs only. */
export function botEnv(slackUrl: string, prefix: string, extra: Record<string, string> = {}) {
  return {
    SLACK_BOT_TOKEN: BENCH_TOKEN,
    SLACK_SIGNING_SECRET: BENCH_SECRET,
    SLACK_API_URL: slackUrl,
    OPSBOT_PREFIX: prefix,
    LOG_LEVEL: 'error',
    ...extra,
  };
}
