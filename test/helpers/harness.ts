import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { envSchema } from '../../src/config/env.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { SignedSlackClient } from '../../src/dev/signed-client.ts';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import type { AlertsOptions } from '../../src/incidents/start.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { parseFileConfig } from '../../src/registry/load-config.ts';
import { type Opsbot, type Role, startOpsbot } from '../../src/roles/start.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';

import { REDIS_URL } from './redis-url.ts';

export { REDIS_URL };
export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-test-0000-emulated';

export const USERS = {
  alice: { id: 'U0ALICE', name: 'alice' },
  bob: { id: 'U0BOB', name: 'bob' },
  josh: { id: 'U0JOSH', name: 'josh' },
  jane: { id: 'U0JANE', name: 'jane' },
  mallory: { id: 'U0MALLORY', name: 'mallory' },
};

export function exampleConfig(): FileConfig {
  const { file, problems } = parseFileConfig(
    readFileSync('opsbot.example.yml', 'utf8'),
    'opsbot.example.yml',
  );
  if (!file) throw new Error(problems.join('\n'));
  // The example's schedules would fire at their cron times in the middle of unrelated tests;
  // schedule tests add their own (and the groups no longer name the dropped ones).
  const groups = Object.fromEntries(
    Object.entries(file.groups).map(([name, { schedules: _dropped, ...group }]) => [name, group]),
  ) as FileConfig['groups'];
  return { ...file, groups, schedules: {} };
}

export interface HarnessOptions {
  file?: FileConfig;
  aws?: Ports;
  role?: Role;
  rateLimits?: boolean;
  lockWaitMs?: number;
  env?: Record<string, string>;
  /** Replaces the logger (to capture log lines). */
  log?: Logger;
  /** Writes the audit ledger to this DynamoDB table (a dynalite endpoint, see helpers/dynalite.ts). */
  audit?: { table: string; endpoint: string };
  /** Test-only alert options (SNS certificate host, pacing). */
  alerts?: AlertsOptions;
  /** Least time between edits of a run's progress message (1000 ms unless set). */
  updateIntervalMs?: number;
}

/** A real opsbot on a free port, with real Redis (under a unique prefix) and the Slack emulator. */
export async function startHarness(options: HarnessOptions = {}) {
  const slack = new SlackEmulator({ tokens: [BOT_TOKEN], rateLimits: options.rateLimits });
  const slackUrl = await slack.start();
  slack.state.addChannel(
    'C0OPS',
    'ops',
    Object.values(USERS).map((u) => u.id),
  );
  slack.state.addChannel('C0INCIDENTS', 'incidents');
  slack.state.addChannel('C0RANDOM', 'random');
  for (const u of Object.values(USERS)) slack.state.addUser(u.id, u.name);
  slack.state.setUsergroup('S0ONCALL', 'oncall', [USERS.josh.id]);
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const env = envSchema.parse({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slackUrl,
    REDIS_URL,
    OPSBOT_PREFIX: prefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const log = options.log ?? createLogger(env.LOG_LEVEL);
  const file = {
    ...(options.file ?? exampleConfig()),
    ...(options.audit ? { audit: options.audit } : {}),
  };
  const boot = () =>
    startOpsbot({
      config: { env, file },
      role: options.role ?? 'all',
      aws: options.aws,
      log,
      port: 0,
      host: '127.0.0.1',
      lockWaitMs: options.lockWaitMs ?? 2000,
      updateIntervalMs: options.updateIntervalMs ?? 1000,
      auditWriter: { pollMs: 20, retryMs: 50, maxRetryMs: 200 },
      alerts: options.alerts,
    });
  const bot: Opsbot = await boot();
  const baseUrl = `http://127.0.0.1:${bot.port}`;
  const client = new SignedSlackClient(baseUrl, SIGNING_SECRET);
  const redis = new Redis(REDIS_URL);
  return {
    bot,
    slack,
    client,
    baseUrl,
    prefix,
    redis,
    /** Stops the bot (web and worker) and starts a new one on the same Redis prefix and emulator. */
    async restartBot() {
      await this.bot.stop();
      this.bot = await boot();
      this.baseUrl = `http://127.0.0.1:${this.bot.port}`;
      this.client = new SignedSlackClient(this.baseUrl, SIGNING_SECRET);
    },
    /** Counts the jobs BullMQ holds in any state. */
    async jobCount() {
      const counts = await this.bot.queue.getJobCounts();
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    async stop() {
      await this.bot.stop();
      await slack.stop();
      const found = await scanAll(redis, `${prefix}:*`);
      if (found.length) await redis.del(...found);
      redis.disconnect();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

async function scanAll(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    out.push(...found);
  } while (cursor !== '0');
  return out;
}

/** Polls until `check` returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the run of `requestId` is completed in BullMQ (its job has left `active`). */
export function waitForJobCompleted(h: Harness, requestId: string) {
  return waitFor('the job completed', async () => {
    const job = await h.bot.queue.getJob(requestId);
    return (await job?.getState()) === 'completed';
  });
}

/** Text of every public message and its blocks in a channel, for assertions. */
export function messageText(message: { text: string; blocks?: unknown[] }): string {
  return `${message.text}\n${JSON.stringify(message.blocks ?? [])}`;
}
