import type { Queue as QueueType } from 'bullmq';
import type { Alert } from '../alerts/alert.ts';
import type { Redis } from '../store/redis.ts';
import { Queue, workerClass } from '../util/bullmq.ts';
import type { FiringOutcome } from './store.ts';

/**
 * The incidents queue. The endpoints count each delivery in Redis themselves (one atomic script)
 * and queue only the work Slack needs: a transition (open, reopen, resolve, or a note that an open
 * incident's alarm has insufficient data) per delivery that causes one, and one parent refresh per
 * incident at a time for repeats.
 */
const INCIDENTS_QUEUE = 'incidents';

/**
 * What a counted delivery changed; `alert` is what the audit entry names (and, for
 * `insufficient_data`, what the thread note says: its state change and reason).
 */
export interface Transition {
  outcome: Extract<FiringOutcome, 'open' | 'reopen' | 'resolve' | 'insufficient_data'>;
  id: string;
  count: number;
  alert: Pick<Alert, 'source' | 'key' | 'title' | 'severity' | 'reason' | 'stateChange'>;
  /** A reopen: who had acknowledged it before it resolved; the reopen cleared that. */
  clearedAck?: string;
}

export type IncidentJob =
  | { kind: 'transition'; transition: Transition }
  | { kind: 'refresh'; id: string }
  | { kind: 'confirm'; topicArn: string; url: string; messageId: string };

const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  // Redeliveries are deduped by the delivery marker in Redis, so finished jobs need not linger.
  removeOnComplete: { age: 600 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** The Slack work a counted delivery queues. */
export type IncidentWork = Extract<IncidentJob, { kind: 'transition' | 'refresh' }>;

/** BullMQ ids may not hold `:` or be all digits. */
const jobIdFor = (id: string) => `a-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

export function createIncidentsQueue(connection: Redis, prefix: string) {
  return new Queue<IncidentJob>(INCIDENTS_QUEUE, { connection, prefix });
}

/** Queues the Slack work of counted deliveries (`deliveryId` names the job, so it is added once). */
export async function enqueueIncidentWork(
  queue: QueueType<IncidentJob>,
  work: { deliveryId: string; job: IncidentWork }[],
) {
  if (work.length === 0) return;
  await queue.addBulk(
    work.map(({ deliveryId, job }) => ({
      name: job.kind,
      data: job,
      opts: { ...JOB_OPTIONS, jobId: jobIdFor(deliveryId) },
    })),
  );
}

export async function enqueueConfirmation(
  queue: QueueType<IncidentJob>,
  confirmation: { topicArn: string; url: string; messageId: string },
) {
  await queue.add(
    'confirm',
    { kind: 'confirm', ...confirmation },
    { ...JOB_OPTIONS, jobId: jobIdFor(`confirm-${confirmation.messageId}`) },
  );
}

/**
 * Processes the intake queue. Concurrency is modest: deliveries of one key are counted exactly
 * whatever the order, but a firing and its recovery sent within milliseconds are best kept in order.
 */
export function startIncidentsWorker(
  connection: Redis,
  prefix: string,
  handle: (job: IncidentJob) => Promise<unknown>,
  concurrency = 8,
) {
  return new (workerClass())<IncidentJob>(
    INCIDENTS_QUEUE,
    async (job) => {
      await handle(job.data);
    },
    { connection, prefix, concurrency },
  );
}
