import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { FileConfig } from '../../src/config/file.ts';
import { freePort } from '../../src/dev/free-port.ts';
import { BOT_TOKEN, REDIS_URL, SIGNING_SECRET } from './harness.ts';
import { dropAtEnd } from './test-keys.ts';

export interface BotProcess {
  role: string;
  child: ChildProcess;
  port: number;
  output: string[];
}

/** Writes a config file for child processes. */
export function writeConfig(file: FileConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-proc-'));
  const path = join(dir, 'opsbot.yml');
  writeFileSync(path, stringify(file));
  return path;
}

export interface ProcessEnv {
  slackUrl: string;
  prefix: string;
  configPath: string;
  awsEndpoint?: string;
  redisUrl?: string;
  extra?: Record<string, string>;
  /** What node runs and where: `src/main.ts` through tsx from the checkout unless given. */
  entry?: { args: string[]; cwd: string };
}

/** Starts `src/main.ts <role>` (or `env.entry`) as a real child process and waits for `/health`. */
export async function startBotProcess(
  role: 'all' | 'web' | 'worker',
  env: ProcessEnv,
): Promise<BotProcess> {
  const port = await freePort();
  const entry = env.entry ?? { args: ['--import', 'tsx', 'src/main.ts'], cwd: process.cwd() };
  const child = spawn(process.execPath, [...entry.args, role], {
    cwd: entry.cwd,
    env: {
      ...process.env,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: env.slackUrl,
      REDIS_URL: env.redisUrl ?? REDIS_URL,
      OPSBOT_PREFIX: env.prefix,
      OPSBOT_CONFIG: env.configPath,
      PORT: String(port),
      LOG_LEVEL: 'info',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests',
      ...(env.awsEndpoint ? { AWS_ENDPOINT_URL: env.awsEndpoint } : {}),
      ...env.extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${role} exited with ${child.exitCode}: ${output.join('').slice(-2000)}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
    } catch {}
    if (Date.now() > deadline)
      throw new Error(`${role} did not start: ${output.join('').slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { role, child, port, output };
}

export async function stopBotProcess(
  bot: BotProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (bot.child.exitCode !== null || bot.child.signalCode !== null) return bot.child.exitCode;
  const exited = new Promise<number | null>((resolve) =>
    bot.child.once('exit', (code) => resolve(code)),
  );
  bot.child.kill(signal);
  const timer = setTimeout(() => bot.child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** A key prefix of the test's own; its keys are deleted after the file (test/setup/drop-test-keys.ts). */
export const uniquePrefix = () => dropAtEnd(`p${randomUUID().slice(0, 8)}`);
