import { type Job, type JobsOptions, type JobType, Queue } from 'bullmq';
import type { Redis } from '../store/redis.ts';
import type { RunJob } from './request.ts';

/** Runs of commands that change something (and any run queued before reads had a queue). */
export const RUNS_QUEUE = 'runs';
/** Runs of read-only commands (`readOnly: true`): their own queue and worker slots. */
export const READS_QUEUE = 'reads';
export const RUN_ATTEMPTS = 5;

/** Whether a command only reads (its `readOnly`), deciding which queue its runs go to. */
export type IsReadOnly = (command: string) => boolean;

/** Called after each run is handed to BullMQ (the per-user runs-in-flight count). */
export type OnQueued = (job: RunJob) => Promise<void>;

/**
 * The run queues behind one `Queue<RunJob>` face (finding 7 of issue 16): a mutating run goes to
 * `runs`, a read-only one to `reads`, so each has its own workers and concurrency and a rollback
 * never waits behind log searches. Lookups (`getJob`, `getJobs`, counts) look in both, so every
 * caller that makes a run or checks for one is unchanged. A command's `readOnly` never changes, so
 * one request's job id always lands in the same queue and BullMQ's dedup by job id still holds.
 * Both queues share the prefix, and so its Redis Cluster hash tag.
 */
export class RunQueues extends Queue<RunJob> {
  readonly reads: Queue<RunJob>;

  constructor(
    connection: Redis,
    prefix: string,
    private readonly isReadOnly: IsReadOnly,
    private readonly onQueued?: OnQueued,
  ) {
    super(RUNS_QUEUE, { connection, prefix });
    this.reads = new Queue<RunJob>(READS_QUEUE, { connection, prefix });
    this.reads.on('error', (error) => this.emit('error', error));
  }

  override async add(name: string, data: RunJob, opts?: JobsOptions): Promise<Job<RunJob>> {
    const job = this.isReadOnly(data.command)
      ? await this.reads.add(name, data, opts)
      : await super.add(name, data, opts);
    await this.onQueued?.(data);
    return job;
  }

  override async getJob(jobId: string) {
    return (await super.getJob(jobId)) ?? (await this.reads.getJob(jobId));
  }

  override async getJobs(types?: JobType[] | JobType, start?: number, end?: number, asc?: boolean) {
    const [runs, reads] = await Promise.all([
      super.getJobs(types, start, end, asc),
      this.reads.getJobs(types, start, end, asc),
    ]);
    return [...runs, ...reads];
  }

  override async getJobCounts(...types: JobType[]) {
    const [runs, reads] = await Promise.all([
      super.getJobCounts(...types),
      this.reads.getJobCounts(...types),
    ]);
    const sum: Record<string, number> = { ...runs };
    for (const [state, n] of Object.entries(reads)) sum[state] = (sum[state] ?? 0) + n;
    return sum;
  }

  override async close() {
    await Promise.all([super.close(), this.reads.close()]);
  }
}

export function createRunsQueue(
  connection: Redis,
  prefix: string,
  isReadOnly: IsReadOnly = () => false,
  onQueued?: OnQueued,
) {
  return new RunQueues(connection, prefix, isReadOnly, onQueued);
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
