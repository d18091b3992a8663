import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { load } from './stats.ts';

/**
 * The raw BullMQ floor: `n` no-op jobs added by `concurrency` producers (one `add` at a time each,
 * as the bot's workers queue runs) to a worker of the same concurrency as opsbot's run worker (8),
 * on the same Redis. Returns jobs/s from the first add to the last completion. Its keys are removed.
 */
export async function bullmqFloor(redisUrl: string, n: number, concurrency: number) {
  const prefix = `benchfloor${process.pid}${Date.now()}`;
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('floor', { connection, prefix });
  let completed = 0;
  let allDone: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker(
    'floor',
    async () => {
      if (++completed === n) allDone();
      return { status: 'done' };
    },
    { connection: workerConnection, prefix, concurrency: 8 },
  );
  await worker.waitUntilReady();
  const started = performance.now();
  await load(n, concurrency, async (i) => {
    await queue.add('noop', { i }, { jobId: `j${i}`, removeOnComplete: true });
  });
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  // BullMQ leaves a connection it was given open: without these the bench never exits.
  workerConnection.disconnect();
  connection.disconnect();
  return n / seconds;
}
