import type { AuditSink } from '../audit/sink.ts';
import type { Logger } from '../log.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import { emergencyReminder } from '../slack/blocks/request-card.ts';
import type { RequestCards } from './cards.ts';
import type { RequestStore } from './request-store.ts';

export interface SweeperDeps {
  store: RequestStore;
  cards: RequestCards;
  writer: SlackWriter;
  audit: AuditSink;
  log: Logger;
  intervalMs: number;
  reminderMs: number;
}

/**
 * The timer side of the state machine: expires pending requests whose time is up (and updates their
 * cards), and reminds the channel of emergency runs nobody has acknowledged. Safe on many instances:
 * each change is claimed atomically, so one instance acts.
 */
export function startSweeper(deps: SweeperDeps) {
  let running: Promise<void> | undefined;
  const tick = async () => {
    for (const id of await deps.store.dueForExpiry()) await expire(id, deps);
    for (const id of await deps.store.dueForReminder()) await remind(id, deps);
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
  await deps.writer
    .post(card.channel, emergencyReminder(record))
    .catch((error) =>
      deps.log.warn({ request_id: id, err: (error as Error).message }, 'emergency reminder failed'),
    );
}
