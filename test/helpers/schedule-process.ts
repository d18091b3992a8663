import { Redis } from 'ioredis';
import { createRegistry } from '../../src/intake/validate.ts';
import { createLogger } from '../../src/log.ts';
import { ScheduleEngine } from '../../src/schedules/engine.ts';
import { ScheduleStore } from '../../src/schedules/store.ts';
import { defineCommand, step, z } from '../../src/sdk/index.ts';
import { keys as keysFor } from '../../src/store/keys.ts';

/**
 * One worker process's schedule engine (for the two-process test): a schedule firing every
 * `SCHEDULE_CRON` (seconds-granular cron, which BullMQ accepts) whose submissions go onto the real
 * submissions stream, tagged with this process's pid. Stops on SIGTERM.
 */
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.OPSBOT_PREFIX!;
const keys = keysFor(prefix);
const redis = new Redis(url, { maxRetriesPerRequest: null });
const workerRedis = new Redis(url, { maxRetriesPerRequest: null });
const probe = defineCommand({
  name: 'probe',
  summary: 'read-only',
  args: z.object({}),
  readOnly: true,
  policy: { default: { approvals: 0 } },
  run: [step('look', 'Look', async () => ({}))],
});
const engine = new ScheduleEngine({
  redis,
  workerRedis,
  prefix,
  store: new ScheduleStore(redis, keys),
  file: {
    schedules: {
      tick: {
        cron: process.env.SCHEDULE_CRON!,
        timezone: 'UTC',
        command: 'probe',
        enabled: true,
      },
    },
    targets: {} as never,
    slack: { ops_channel: 'C0OPS' },
  },
  registry: createRegistry([probe]),
  enqueueSubmission: async (submission) => {
    await redis.xadd(
      keys.submissions(),
      '*',
      'submission',
      JSON.stringify(submission),
      'pid',
      String(process.pid),
    );
  },
  log: createLogger('warn'),
  drainDelaySeconds: 0.2,
});
await engine.start();
console.log('started');
process.on('SIGTERM', async () => {
  await engine.stop();
  redis.disconnect();
  workerRedis.disconnect();
  process.exit(0);
});
