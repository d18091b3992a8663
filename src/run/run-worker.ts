import { metrics } from '../metrics/metrics.ts';
import type { RunJob } from '../requests/request.ts';
import { type READS_QUEUE, RUN_ATTEMPTS, RUNS_QUEUE } from '../requests/runs-queue.ts';
import type { Redis } from '../store/redis.ts';
import { UnrecoverableError, workerClass } from '../util/bullmq.ts';
import { executeRun, type RunDeps } from './execute.ts';

/**
 * Consumes one run queue (`runs` or `reads`). A transient failure is thrown so BullMQ retries with backoff; anything
 * else becomes UnrecoverableError so it is never retried. Return values hold no data, only status.
 */
export function startRunWorker(
  connection: Redis,
  prefix: string,
  deps: RunDeps,
  lockSeconds = 30,
  concurrency = 8,
  queueName: typeof RUNS_QUEUE | typeof READS_QUEUE = RUNS_QUEUE,
  onFinished?: (job: RunJob) => Promise<void>,
) {
  return new (workerClass())<RunJob, { status: string }>(
    queueName,
    async (job, _token, signal) => {
      const attempt = job.attemptsMade + 1;
      const last = attempt >= (job.opts.attempts ?? RUN_ATTEMPTS);
      const started = Date.now();
      // BullMQ counts every start (`attemptsStarted`, in the same script that makes the job
      // active), a stalled job's restart too: 1 means no worker ever ran it, so it has no state.
      // Only `job.retry(…, { resetAttemptsStarted: true })` sets the count back, and nothing in
      // opsbot calls it; a job moved back that way would start as new (see docs/deploy.md).
      const firstStart = job.attemptsStarted <= 1;
      const outcome = await executeRun(job.data, { attempt, last, firstStart }, deps, signal);
      const status = outcome.status === 'done' ? 'done' : outcome.retry ? 'retrying' : 'failed';
      // No longer in flight for its requester (a retry still is); a recorded end did that already.
      if (status !== 'retrying' && !outcome.ended) await onFinished?.(job.data).catch(() => {});
      metrics.runs.inc({ command: job.data.command, status });
      if (status !== 'retrying') {
        metrics.runDuration.observe(
          { command: job.data.command, status },
          (Date.now() - started) / 1000,
        );
      }
      if (outcome.status === 'done') return { status: 'done' };
      if (outcome.retry) throw new Error(`${outcome.code}: ${outcome.message}`);
      throw new UnrecoverableError(`${outcome.code}: ${outcome.message}`);
    },
    {
      connection,
      prefix,
      concurrency,
      lockDuration: lockSeconds * 1000,
      stalledInterval: (lockSeconds * 1000) / 2,
      maxStalledCount: 3,
    },
  );
}
