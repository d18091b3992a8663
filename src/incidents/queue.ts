import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Delivery } from '../alerts/routes.ts';

/** The intake queue of alerts: the endpoints only add to it; a worker counts and renders. */
export const INCIDENTS_QUEUE = 'incidents';

export type IncidentJob =
  | { kind: 'delivery'; delivery: Delivery }
  | { kind: 'confirm'; topicArn: string; url: string; messageId: string };

const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  // Redeliveries are deduped by the delivery marker in Redis, so finished jobs need not linger.
  removeOnComplete: { age: 600 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** BullMQ ids may not hold `:` or be all digits. */
const jobIdFor = (id: string) => `a-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

export function createIncidentsQueue(connection: Redis, prefix: string) {
  return new Queue<IncidentJob>(INCIDENTS_QUEUE, { connection, prefix });
}

export async function enqueueDeliveries(queue: Queue<IncidentJob>, deliveries: Delivery[]) {
  await queue.addBulk(
    deliveries.map((delivery) => ({
      name: 'delivery',
      data: { kind: 'delivery' as const, delivery },
      opts: { ...JOB_OPTIONS, jobId: jobIdFor(delivery.id) },
    })),
  );
}

export async function enqueueConfirmation(
  queue: Queue<IncidentJob>,
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
  return new Worker<IncidentJob>(
    INCIDENTS_QUEUE,
    async (job) => {
      await handle(job.data);
    },
    { connection, prefix, concurrency },
  );
}
