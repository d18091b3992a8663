import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { vi } from 'vitest';
import type { FileConfig } from '../../src/config/file.ts';
import type { ScheduleConfig } from '../../src/config/schedules.ts';
import { createRegistry } from '../../src/intake/validate.ts';
import { createLogger } from '../../src/log.ts';
import type { Submission } from '../../src/requests/submission.ts';
import { ScheduleEngine } from '../../src/schedules/engine.ts';
import { ScheduleStore } from '../../src/schedules/store.ts';
import { defineCommand, step, z } from '../../src/sdk/index.ts';
import { keys as keysFor } from '../../src/store/keys.ts';
import { REDIS_URL } from './harness.ts';

/** A read-only command for schedules to name. */
export const probe = defineCommand({
  name: 'probe',
  summary: 'read-only test command',
  args: z.object({ target: z.string().optional() }),
  positional: ['target'],
  readOnly: true,
  policy: { default: { approvals: 0 } },
  run: [step('look', 'Look', async () => ({ looked: true }))],
});

/** A command that changes things. */
export const mutate = defineCommand({
  name: 'mutate',
  summary: 'mutating test command',
  args: z.object({}),
  policy: { default: { approvals: 0 } },
  run: [step('change', 'Change', async () => ({ changed: true }))],
});

export const testRegistry = createRegistry([probe, mutate]);

export const schedule = (cron: string, extra: Partial<ScheduleConfig> = {}): ScheduleConfig => ({
  cron,
  timezone: 'UTC',
  command: 'probe',
  enabled: true,
  ...extra,
});

/** A Redis key prefix of the test's own, and the keys under it deleted at the end. */
export function testRedis() {
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  return {
    prefix,
    redis,
    keys: keysFor(prefix),
    async cleanup() {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (found.length > 0) await redis.del(...found);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}

/** One process's schedule engine, with submissions captured in memory. */
export function engineFor(
  r: ReturnType<typeof testRedis>,
  schedules: Record<string, ScheduleConfig>,
  options: { worker?: boolean } = {},
) {
  const submitted: Submission[] = [];
  const workerRedis =
    options.worker === false ? undefined : new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const file = {
    schedules,
    targets: {} as FileConfig['targets'],
    slack: { ops_channel: 'C0OPS' },
  };
  const engine = new ScheduleEngine({
    redis: r.redis,
    workerRedis,
    prefix: r.prefix,
    store: new ScheduleStore(r.redis, r.keys),
    file,
    registry: testRegistry,
    enqueueSubmission: async (s) => {
      submitted.push(s);
    },
    log: createLogger('silent'),
    drainDelaySeconds: 0.2,
  });
  return {
    engine,
    file,
    submitted,
    async stop() {
      await engine.stop();
      workerRedis?.disconnect();
    },
  };
}

/**
 * A controllable clock for BullMQ and the engine: `Date` is faked (and keeps ticking at real
 * speed), timers are real, so Redis and BullMQ's blocking reads behave as usual.
 */
export function fakeClock(start: string | number, r: { redis: Redis; prefix: string }) {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: new Date(start) });
  return {
    /**
     * Moves the clock, then wakes the schedules worker the way BullMQ does when a job is added (a
     * marker), since it may be blocked for up to 10 s (real) waiting for the next delayed job.
     */
    async set(to: string | number) {
      vi.setSystemTime(new Date(to));
      await r.redis.zadd(`${r.prefix}:schedules:marker`, 0, '0');
    },
    restore: () => vi.useRealTimers(),
  };
}

/** Polls (by real time, whatever the faked clock says) until `check` holds. */
export async function poll<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
