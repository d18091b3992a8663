import { Queue } from 'bullmq';
import type { RunJob } from '../requests/request.ts';
import type { Redis } from '../store/redis.ts';

export const RUNS_QUEUE = 'runs';
export const RUN_ATTEMPTS = 5;

export function createRunsQueue(connection: Redis, prefix: string) {
  return new Queue<RunJob>(RUNS_QUEUE, { connection, prefix });
}

/**
 * Queues a run of a request. The job id is the request id: adding it twice (a Slack retry, a
 * double click, a second instance) is ignored by BullMQ, so a request runs at most once.
 */
export async function enqueueRun(queue: Queue<RunJob>, job: RunJob) {
  return queue.add('run', job, {
    jobId: job.id,
    attempts: RUN_ATTEMPTS,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  });
}
