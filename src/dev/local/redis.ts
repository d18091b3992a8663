import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { sleep } from '../../util/sleep.ts';
import { freePort } from '../free-port.ts';

export const REDIS_INSTALL_HELP = [
  'opsbot local mode needs Redis, and nothing answers at REDIS_URL and redis-server is not installed.',
  'Install it, then run npm start again:',
  '  Debian/Ubuntu: sudo apt-get install redis-server',
  '  macOS:         brew install redis',
  'or point REDIS_URL at a Redis you already run.',
].join('\n');

export class RedisMissingError extends Error {
  constructor() {
    super(REDIS_INSTALL_HELP);
    this.name = 'RedisMissingError';
  }
}

export interface LocalRedis {
  url: string;
  /** Set when local mode started redis-server itself. */
  child?: ChildProcess;
  stop(): Promise<void>;
}

/** True when a Redis server answers PING at this host and port. */
export function redisAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const onPath = (binary: string) => spawnSync('which', [binary]).status === 0;

/**
 * Uses the Redis at `url` when it answers; otherwise starts `redis-server` (on the URL's port when
 * it is free, else on a port the kernel picks) and stops it on `stop()`. Throws
 * `RedisMissingError`, whose message says how to install Redis, when neither is possible.
 */
export async function ensureRedis(url: string): Promise<LocalRedis> {
  const parsed = new URL(url);
  const host = parsed.hostname || '127.0.0.1';
  const wanted = Number(parsed.port || 6379);
  if (await redisAnswers(host, wanted)) return { url, stop: async () => {} };
  if (!onPath('redis-server')) throw new RedisMissingError();
  const local = ['127.0.0.1', 'localhost'].includes(host) && (await portIsFree(wanted));
  const port = local ? wanted : await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && !(await redisAnswers('127.0.0.1', port, 200)); i++) await sleep(50);
  if (!(await redisAnswers('127.0.0.1', port))) {
    child.kill();
    throw new Error(`redis-server did not answer on 127.0.0.1:${port}`);
  }
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return {
    url: parsed.toString().replace(/\/$/, ''),
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
