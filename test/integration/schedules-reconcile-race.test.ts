import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEDULES_QUEUE } from '../../src/schedules/engine.ts';
import { type OccurrenceJob, reconcileSchedules } from '../../src/schedules/reconcile.ts';
import { schedule, testRedis } from '../helpers/schedules.ts';

/**
 * Two workers start at once (a rolling deploy): both read "no scheduler yet", the first adds it
 * and its worker has just taken the first occurrence (active, the next one not made yet) when the
 * second's add arrives. BullMQ then refuses to create that occurrence again
 * (SchedulerJobIdCollision); the second worker used to crash on it at startup (CI, stop 24).
 */
describe('two workers reconciling the same schedule at once', () => {
  const r = testRedis();
  const queue = new Queue<OccurrenceJob>(SCHEDULES_QUEUE, {
    connection: r.redis,
    prefix: r.prefix,
  });
  afterAll(async () => {
    await queue.close();
    await r.cleanup();
  });

  it('the second keeps the first one’s scheduler instead of failing, and adds nothing', async () => {
    const yearly = { tick: schedule('0 0 0 1 1 *') };
    expect(await reconcileSchedules(queue, yearly)).toMatchObject({ added: ['tick'] });
    const [first] = await queue.getDelayed();
    // The first worker takes the occurrence: BullMQ moves it from delayed to active, and makes
    // the next one only after that, in a separate call.
    await r.redis.zrem(`${r.prefix}:${SCHEDULES_QUEUE}:delayed`, first!.id!);
    await r.redis.lpush(`${r.prefix}:${SCHEDULES_QUEUE}:active`, first!.id!);

    // The second process read the schedulers before the first wrote its own.
    const staleView = new Proxy(queue, {
      get: (target, key, receiver) =>
        key === 'getJobSchedulers' ? async () => [] : Reflect.get(target, key, receiver),
    });
    const second = await reconcileSchedules(staleView, yearly);

    expect(second).toEqual({ added: [], updated: [], removed: [], kept: ['tick'] });
    expect(await queue.getJobSchedulers(0, -1)).toHaveLength(1);
    expect((await queue.getJobs(['active', 'waiting', 'delayed'])).map((job) => job.id)).toEqual([
      first!.id,
    ]);
  });
});
