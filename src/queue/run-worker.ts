import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunJob } from '../requests/request.ts';
import { executeRun, type RunDeps } from '../run/execute.ts';
import { RUN_ATTEMPTS, RUNS_QUEUE } from './runs-queue.ts';

/**
 * Consumes the runs queue. A transient failure is thrown so BullMQ retries with backoff; anything
 * else becomes UnrecoverableError so it is never retried. Return values hold no data, only status.
 */
export function startRunWorker(connection: Redis, prefix: string, deps: RunDeps, concurrency = 8) {
  return new Worker<RunJob, { status: string }>(
    RUNS_QUEUE,
    async (job) => {
      const attempt = job.attemptsMade + 1;
      const last = attempt >= (job.opts.attempts ?? RUN_ATTEMPTS);
      const outcome = await executeRun(job.data, attempt, last, deps);
      if (outcome.status === 'done') return { status: 'done' };
      if (outcome.retry) throw new Error(`${outcome.code}: ${outcome.message}`);
      throw new UnrecoverableError(`${outcome.code}: ${outcome.message}`);
    },
    {
      connection,
      prefix,
      concurrency,
      lockDuration: 30_000,
      stalledInterval: 15_000,
      maxStalledCount: 3,
    },
  );
}
