import type { Queue } from 'bullmq';
import type { AuditSink } from '../audit/sink.ts';
import type { Logger } from '../log.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import type { RunJob } from './request.ts';
import type { RequestCards } from './request-cards.ts';
import { RequestNotices, type RequestRenderer } from './request-notices.ts';
import type { RequestStore } from './request-store.ts';
import { enqueueRun } from './runs-queue.ts';

export interface SweeperDeps {
  store: RequestStore;
  cards: RequestCards;
  writer: SlackWriter;
  renderer: RequestRenderer;
  queue: Queue<RunJob>;
  audit: AuditSink;
  log: Logger;
  intervalMs: number;
  reminderMs: number;
}

/**
 * The timer side of the state machine: expires pending requests whose time is up (and updates their
 * cards), reminds the channel of emergency runs nobody has acknowledged, and queues the run of any
 * approved request whose run was never queued (Redis failed between the approving click and the
 * queue). Safe on many instances: each change is claimed atomically, and a run's job id is its
 * request id, so queueing it twice adds one job.
 */
export function startSweeper(deps: SweeperDeps) {
  let running: Promise<void> | undefined;
  const tick = async () => {
    for (const id of await deps.store.dueForExpiry()) await expire(id, deps);
    for (const id of await deps.store.dueForReminder()) await remind(id, deps);
    const before = Date.now() - deps.intervalMs;
    for (const id of await deps.store.approvedBefore(before)) await requeue(id, deps);
  };
  const timer = setInterval(() => {
    if (running) return;
    running = tick()
      .catch((error) => deps.log.warn({ err: (error as Error).message }, 'approval sweep failed'))
      .finally(() => {
        running = undefined;
      });
  }, deps.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

async function expire(id: string, deps: SweeperDeps) {
  const moved = await deps.store.transition(id, ['pending'], 'expired', 'due');
  if (moved.result !== 'ok') return;
  const record = await deps.store.load(id);
  deps.audit.append({
    action: 'request.expired',
    actor: 'system',
    command: record?.request.command,
    request_id: id,
  });
  await deps.cards.refresh(id);
}

async function remind(id: string, deps: SweeperDeps) {
  if (!(await deps.store.claimReminder(id, Date.now() + deps.reminderMs))) return;
  const record = await deps.store.load(id);
  const card = record?.request.card;
  if (!record || !card || record.acknowledgedBy) return;
  await new RequestNotices(deps.writer, deps.renderer)
    .remindEmergency(card.channel, record)
    .catch((error) =>
      deps.log.warn({ request_id: id, err: (error as Error).message }, 'emergency reminder failed'),
    );
}

/** Queues the run of an approved request that has no job; forgets it once its run exists. */
async function requeue(id: string, deps: SweeperDeps) {
  const record = await deps.store.load(id);
  if (record?.state === 'approved' && !(await deps.queue.getJob(id))) {
    await enqueueRun(deps.queue, record.request);
    deps.log.warn({ request_id: id }, 'queued the run of an approved request that had none');
  }
  await deps.store.forgetApproved(id);
}
