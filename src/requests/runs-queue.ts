import type { Job, JobsOptions, JobType, Queue as QueueType } from 'bullmq';
import type { Redis } from '../store/redis.ts';
import { Queue } from '../util/bullmq.ts';
import type { RunJob } from './request.ts';

/** Runs of commands that change something (and any run queued before reads had a queue). */
export const RUNS_QUEUE = 'runs';
/** Runs of read-only commands (`readOnly: true`): their own queue and worker slots. */
export const READS_QUEUE = 'reads';
export const RUN_ATTEMPTS = 5;

/** Whether a command only reads (its `readOnly`), deciding which queue its runs go to. */
export type IsReadOnly = (command: string) => boolean;

/** The per-member runs-in-flight count (`UserLimits`), told of each run handed to BullMQ. */
export interface RunsInFlight {
  /**
   * Before the add of job `jobKey`: counts the run unless the job exists already (BullMQ ignores
   * that add). True when counted.
   */
  runQueued(requester: string, runId: string, jobKey: string): Promise<boolean>;
  /** The add failed after all: the run is not in flight. */
  runFinished(requester: string, runId: string): Promise<void>;
}

/**
 * The run queues behind one `Queue<RunJob>` face (finding 7 of issue 16): a mutating run goes to
 * `runs`, a read-only one to `reads`, so each has its own workers and concurrency and a rollback
 * never waits behind log searches. Lookups (`getJob`, `getJobs`, counts) look in both, so every
 * caller that makes a run or checks for one is unchanged. A command's `readOnly` never changes, so
 * one request's job id always lands in the same queue and BullMQ's dedup by job id still holds.
 * Both queues share the prefix, and so its Redis Cluster hash tag.
 */
export class RunQueues extends Queue<RunJob> {
  readonly reads: QueueType<RunJob>;

  constructor(
    connection: Redis,
    prefix: string,
    private readonly isReadOnly: IsReadOnly,
    private readonly inFlight?: RunsInFlight,
  ) {
    super(RUNS_QUEUE, { connection, prefix });
    this.reads = new Queue<RunJob>(READS_QUEUE, { connection, prefix });
    this.reads.on('error', (error) => this.emit('error', error));
  }

  override async add(name: string, data: RunJob, opts?: JobsOptions): Promise<Job<RunJob>> {
    const reads = this.isReadOnly(data.command);
    // Only a job BullMQ creates is in flight: a re-add of an existing job id is ignored by it.
    const jobKey = (reads ? this.reads : this).toKey(opts?.jobId ?? data.id);
    // Sent before the add and, on the queue's own connection (as opsbot wires it), run by Redis
    // before it: counted before the job exists, so a run finished at once is never counted after
    // its finish. Not awaited first: the count and the add share one round trip.
    const counting = this.inFlight?.runQueued(data.requester, data.id, jobKey).catch(() => false);
    try {
      const job = await this.addCounted(name, data, opts);
      await counting;
      return job;
    } catch (error) {
      if (await counting) await this.inFlight?.runFinished(data.requester, data.id).catch(() => {});
      throw error;
    }
  }

  /**
   * `add` for a run its member's count holds already (`UserLimits.take` reserved it, in the same
   * script that checked the limit): no second count.
   */
  async addCounted(name: string, data: RunJob, opts?: JobsOptions): Promise<Job<RunJob>> {
    return this.isReadOnly(data.command)
      ? this.reads.add(name, data, opts)
      : super.add(name, data, opts);
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
  inFlight?: RunsInFlight,
) {
  return new RunQueues(connection, prefix, isReadOnly, inFlight);
}

/**
 * Queues a run of a request. The job id is the request id: adding it twice (a Slack retry, a
 * double click, a second instance) is ignored by BullMQ, so a request runs at most once.
 * `counted`: the member's runs in flight hold it already (see `RunQueues.addCounted`).
 */
export async function enqueueRun(
  queue: QueueType<RunJob>,
  job: RunJob,
  { counted = false }: { counted?: boolean } = {},
) {
  const opts: JobsOptions = {
    jobId: job.id,
    attempts: RUN_ATTEMPTS,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };
  if (counted && queue instanceof RunQueues) return queue.addCounted('run', job, opts);
  return queue.add('run', job, opts);
}
