import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserLimits } from '../../src/requests/limits.ts';
import type { RunJob } from '../../src/requests/request.ts';
import { createRunsQueue, enqueueRun, type RunQueues } from '../../src/requests/runs-queue.ts';
import { keys as keysFor } from '../../src/store/keys.ts';
import { REDIS_URL } from '../helpers/harness.ts';

/**
 * Issue 21: a run counts against its member's runs in flight only when BullMQ creates its job. A
 * re-add of an existing job id (a finished run queued again by a sweeper or a second click) is
 * ignored by BullMQ, and used to sit in the member's count until it went stale (6 h).
 */
describe('runs in flight per member', () => {
  const prefix = `inflight${Date.now()}`;
  const keys = keysFor(prefix);
  let redis: Redis;
  let queue: RunQueues;
  let limits: UserLimits;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    limits = new UserLimits(redis, keys, {
      runs_in_flight_per_user: 10,
      requests_per_minute_per_user: 30,
    });
    queue = createRunsQueue(redis, prefix, (command) => command === 'ping', limits);
  });

  beforeEach(async () => {
    await redis.del(keys.userRuns('U0ALICE'));
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.reads.obliterate({ force: true });
    await queue.close();
    await redis.del(keys.userRuns('U0ALICE'));
    redis.disconnect();
  });

  const job = (id: string, command: string): RunJob => ({
    id,
    command,
    args: {},
    argsHash: 'h',
    environment: 'default',
    requester: 'U0ALICE',
    channel: 'C0OPS',
    createdAt: Date.now(),
  });
  const inFlight = () => redis.zrange(keys.userRuns('U0ALICE'), '0', '-1');

  it.each([
    ['a read-only run', 'ping'],
    ['a mutating run', 'note'],
  ])(
    '%s is counted once when queued, and not again when its finished job is added again',
    async (_, command) => {
      const run = job(`req_${command}${Date.now()}`, command);
      await enqueueRun(queue, run);
      expect(await inFlight()).toEqual([run.id]);
      // Its worker finished it: no longer in flight.
      await limits.runFinished(run.requester, run.id);
      expect(await inFlight()).toEqual([]);
      // Added again: BullMQ keeps the one job it has and creates none.
      const again = await enqueueRun(queue, run);
      expect(again.id).toBe(run.id);
      expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
      expect(await inFlight()).toEqual([]);
      await queue.obliterate({ force: true });
      await queue.reads.obliterate({ force: true });
    },
  );

  it('a run whose add fails is not counted', async () => {
    const broken = createRunsQueue(redis, prefix, () => false, limits);
    const run = job(`req_broken${Date.now()}`, 'note');
    // A job id BullMQ refuses (a bare integer) makes the add itself fail.
    await expect(enqueueRun(broken, { ...run, id: '42' })).rejects.toThrow();
    expect(await inFlight()).toEqual([]);
    await broken.close();
  });
});
