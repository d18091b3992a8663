import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { AuditSink } from '../audit/sink.ts';
import type { FileConfig } from '../config/file.ts';
import type { Logger } from '../log.ts';
import { UserError } from '../sdk/errors.ts';
import type { GuidedRunbook } from './definition.ts';
import {
  abortExecution,
  type Change,
  confirmStep,
  type Execution,
  newExecution,
  type Outcome,
  retryStep,
  skipStep,
  threadOf,
} from './execution.ts';
import type { GuidedLibrary } from './library.ts';
import { checkParams } from './params.ts';
import type { GuidedSettings } from './settings.ts';
import type { ExecutionStore, Stored } from './store.ts';
import { type CardView, cardView, parseButtonValue } from './view.ts';

/** Where the runbook card is shown (Slack in production); implemented in src/slack. */
export interface GuidedCardPort {
  post(channel: string, view: CardView, threadTs?: string): Promise<string>;
  update(channel: string, ts: string, view: CardView): Promise<void>;
  reply(channel: string, threadTs: string, text: string): Promise<void>;
}

/** A job on the guided queue: look at an execution again (`advance`) or at its idle time (`idle`). */
export interface GuidedJob {
  id: string;
}
export const GUIDED_QUEUE = 'guided';

export interface GuidedEngineDeps {
  library: GuidedLibrary;
  store: ExecutionStore;
  queue: Queue<GuidedJob>;
  card: GuidedCardPort;
  audit: AuditSink;
  log: Logger;
  settings: GuidedSettings;
  targets: FileConfig['targets'];
  /** Why `user` may not click on runbook cards (the `runbook` command's requesters), if so. */
  mayAct?: (user: string) => Promise<string | undefined>;
}

export interface StartInput {
  name: string;
  params: Record<string, string>;
  /** The request that asked for the start (`/ops runbook start` or a Start runbook button). */
  requestId: string;
  starter: string;
  channel: string;
  threadTs?: string;
}

/** An execution id derived from the request that started it, so a retried start finds it again. */
export const executionIdFor = (requestId: string) =>
  `rbx_${createHash('sha256').update(`guided:${requestId}`).digest('hex').slice(0, 16)}`;

const UNKNOWN =
  ':warning: That button does not name a runbook execution opsbot knows (it may have been tampered with). Nothing changed.';

/**
 * Guided runbook executions: start one, apply a click, commit changes atomically and show them.
 * The worker side (running command and check steps, reminders) is in `stepper.ts`.
 */
export class GuidedEngine {
  constructor(readonly deps: GuidedEngineDeps) {}

  now() {
    return Date.now();
  }

  list(): GuidedRunbook[] {
    return this.deps.library.list();
  }

  async active(): Promise<Execution[]> {
    const ids = await this.deps.store.activeIds();
    const loaded = await Promise.all(ids.map((id) => this.deps.store.load(id)));
    return loaded.flatMap((s) => (s && s.execution.status === 'running' ? [s.execution] : []));
  }

  /** Starts an execution and posts its card; a start asked again (a retried run) finds the first. */
  async start(input: StartInput): Promise<Execution> {
    const runbook = this.deps.library.find(input.name);
    if (!runbook) {
      const known = this.list().map((r) => r.name);
      throw new UserError(
        'unknown_runbook',
        `no guided runbook named ${input.name} (known: ${known.join(', ') || 'none'})`,
      );
    }
    const id = executionIdFor(input.requestId);
    let stored = await this.deps.store.load(id);
    if (!stored) {
      const checked = checkParams(this.deps.library, runbook, input.params, this.deps.targets);
      if ('problems' in checked)
        throw new UserError(
          'runbook_invalid',
          `cannot start ${runbook.name}:\n${checked.problems.join('\n')}`,
        );
      const change = newExecution(id, runbook, { ...input, params: checked.values }, this.now());
      if (await this.deps.store.commit(change.next, 0)) {
        this.record(change);
        await this.scheduleIdle(change.next);
      }
      stored = await this.deps.store.load(id);
      if (!stored) throw new Error(`execution ${id} vanished`);
    }
    if (!stored.execution.cardTs) {
      const ex = stored.execution;
      const ts = await this.deps.card.post(ex.channel, cardView(ex, runbook), ex.threadTs);
      await this.apply(id, (current) => {
        if (current.cardTs) return { refused: 'card already posted' };
        return { next: { ...current, cardTs: ts }, events: [], replies: [] };
      });
    }
    await this.schedule(id);
    return (await this.deps.store.load(id))!.execution;
  }

  /** A click on the card. Returns what to tell the person who clicked, if anything. */
  async click(
    action: 'done' | 'skip' | 'retry' | 'abort',
    value: string,
    user: string,
    reason = '',
  ): Promise<string | undefined> {
    const ref = parseButtonValue(value);
    if (!ref) return UNKNOWN;
    const refusal = await this.deps.mayAct?.(user);
    if (refusal) return refusal;
    const now = this.now();
    const result = await (action === 'abort'
      ? this.applyTo(ref.executionId, (ex) =>
          ref.index !== ex.current
            ? { refused: 'That card is out of date; nothing changed.' }
            : abortExecution(ex, user, reason.trim(), now),
        )
      : this.apply(ref.executionId, (ex, runbook) => {
          switch (action) {
            case 'done':
              return confirmStep(ex, runbook, ref.index, user, now);
            case 'skip':
              return skipStep(ex, runbook, ref.index, user, reason, now);
            default:
              return retryStep(ex, ref.index, user, now);
          }
        }));
    if (result === 'missing') return UNKNOWN;
    if ('refused' in result) return result.refused;
    await this.schedule(ref.executionId);
    return undefined;
  }

  /**
   * Computes a change from the stored execution and commits it if nobody changed the execution
   * meanwhile (else reads it again and recomputes). Audit events and thread replies follow a commit.
   */
  async apply(
    id: string,
    compute: (ex: Execution, runbook: GuidedRunbook) => Outcome,
  ): Promise<Change | { refused: string } | 'missing'> {
    return this.applyTo(id, (ex) => {
      const runbook = this.runbookOf(ex);
      return typeof runbook === 'string' ? { refused: runbook } : compute(ex, runbook);
    });
  }

  /** As `apply`, for a change that needs no runbook file (abort, abandon). */
  async applyTo(
    id: string,
    compute: (ex: Execution) => Outcome,
  ): Promise<Change | { refused: string } | 'missing'> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const stored = await this.deps.store.load(id);
      if (!stored) return 'missing';
      const outcome = compute(stored.execution);
      if ('refused' in outcome) return outcome;
      if (await this.commit(stored, outcome)) return outcome;
    }
    throw new Error(`execution ${id} kept changing; gave up`);
  }

  /**
   * Commits `change`, computed from `stored`; false when the execution changed meanwhile. After a
   * commit (and only then) its audit entries are appended and its replies posted.
   */
  async commit(stored: Stored, change: Change): Promise<boolean> {
    if (!(await this.deps.store.commit(change.next, stored.version))) return false;
    this.record(change);
    await this.afterCommit(stored.execution, change);
    return true;
  }

  private record(change: Change) {
    const ex = change.next;
    for (const event of change.events) {
      this.deps.audit.append({
        action: event.action,
        actor: event.actor,
        data: {
          execution_id: ex.id,
          runbook: ex.runbook,
          ...(event.step !== undefined ? { step: event.step + 1 } : {}),
          ...(event.reason ? { reason: event.reason } : {}),
          ...event.data,
        },
      });
    }
  }

  private async afterCommit(before: Execution, change: Change) {
    const ex = change.next;
    const thread = threadOf(ex);
    if (thread)
      for (const text of change.replies)
        await this.deps.card.reply(ex.channel, thread, text).catch((error) => {
          this.deps.log.warn({ err: (error as Error).message }, 'runbook thread reply failed');
        });
    if (ex.status === 'running' && ex.activeAt !== before.activeAt) await this.scheduleIdle(ex);
  }

  /** Asks a worker to look at the execution now (run its next automated step, redraw the card). */
  async schedule(id: string, delayMs = 0, key?: string) {
    await this.deps.queue.add(
      'advance',
      { id },
      {
        ...(delayMs > 0 ? { delay: delayMs } : {}),
        ...(key ? { jobId: `${id}-${key}` } : {}),
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600 },
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
      },
    );
  }

  /** The idle reminder (then abandonment) of an execution, from its last activity. */
  async scheduleIdle(ex: Execution) {
    const idleMs = this.deps.settings.idle_reminder_hours * 3600_000;
    const at = ex.activeAt + idleMs;
    await this.deps.queue.add(
      'idle',
      { id: ex.id },
      {
        delay: Math.max(0, at - this.now()),
        jobId: `${ex.id}-idle-${ex.activeAt}`,
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600 },
      },
    );
  }

  /**
   * The runbook an execution follows, or why it cannot go on: its file is gone, or its steps changed
   * since it started (the card would no longer match what was done).
   */
  runbookOf(ex: Execution): GuidedRunbook | string {
    const runbook = this.deps.library.find(ex.runbook);
    if (!runbook) return `The runbook ${ex.runbook} is no longer configured; nothing changed.`;
    if (runbook.digest !== ex.digest)
      return `The steps of ${ex.runbook} changed since this execution started; abort it and start it again.`;
    return runbook;
  }

  /** Redraws the card from the stored execution. */
  async render(id: string) {
    const stored = await this.deps.store.load(id);
    const ex = stored?.execution;
    const runbook = ex && this.deps.library.find(ex.runbook);
    if (!ex?.cardTs || !runbook || runbook.digest !== ex.digest) return;
    await this.deps.card.update(ex.channel, ex.cardTs, cardView(ex, runbook));
  }
}
