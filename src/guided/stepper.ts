import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { OpsRequest } from '../requests/request.ts';
import { requestIdFor } from '../requests/request.ts';
import type { Submission } from '../requests/submission.ts';
import type { Verdict } from '../sdk/command.ts';
import type { Ports } from '../sdk/ports/index.ts';
import type { GuidedRunbook } from './definition.ts';
import type { GuidedEngine } from './engine.ts';
import {
  abortExecution,
  automatedDone,
  automatedFailed,
  type Execution,
  type Outcome,
  threadOf,
  updateStep,
} from './execution.ts';
import type { RequestOutcome } from './request-outcome.ts';
import { resolveTemplate } from './template.ts';

export interface StepperDeps {
  engine: GuidedEngine;
  /** Makes a request as the request flow does (policy, approval card, queued run). */
  createRequest(submission: Submission, delivery: string): Promise<OpsRequest | undefined>;
  requestOutcome(requestId: string): Promise<RequestOutcome>;
  ports: Ports;
  log: Logger;
}

/** How long one worker may hold an execution (a check's HTTP calls, a request being made). */
const LOCK_MS = 60_000;
const BUSY_RETRY_MS = 500;

/** How long a step's request may stay unmade before it is asked for again. */
const REASK_AFTER_MS = 30_000;

/** What to do at the current step: a change to commit (then maybe an action), or nothing yet. */
type Move = { outcome: Outcome; after?: () => Promise<void> } | 'wait';

/**
 * The worker side of guided runbooks, run from the guided queue: takes the current step as far as
 * it can go (requests a command, reads its result, runs a check, reminds), one committed change at a
 * time. Any worker may run it for any execution; the store's compare-and-set keeps one outcome.
 */
export class Stepper {
  constructor(private readonly deps: StepperDeps) {}

  private get engine() {
    return this.deps.engine;
  }

  /**
   * Takes the execution as far as it goes now. One worker at a time per execution (a lock in
   * Redis): another that finds it held looks again shortly, so a step's work never runs twice at
   * once (two checks, two requests).
   */
  async advance(id: string) {
    const token = randomUUID();
    const store = this.engine.deps.store;
    if (!(await store.lock(id, token, LOCK_MS))) {
      await this.engine.schedule(
        id,
        BUSY_RETRY_MS,
        `busy-${Math.floor(this.engine.now() / BUSY_RETRY_MS)}`,
      );
      return;
    }
    try {
      await this.advanceLocked(id);
    } finally {
      await store.unlock(id, token);
    }
  }

  private async advanceLocked(id: string) {
    for (let guard = 0; guard < 100; guard += 1) {
      const stored = await this.engine.deps.store.load(id);
      const ex = stored?.execution;
      if (!stored || !ex || ex.status !== 'running') break;
      const runbook = this.engine.runbookOf(ex);
      if (typeof runbook === 'string') break;
      const move = await this.move(ex, runbook);
      if (move === 'wait') break;
      if ('refused' in move.outcome) break;
      if (!(await this.engine.commit(stored, move.outcome))) continue;
      await move.after?.();
    }
    await this.engine.render(id);
  }

  private async move(ex: Execution, runbook: GuidedRunbook): Promise<Move> {
    const index = ex.current;
    const step = ex.steps[index]!;
    const definition = runbook.steps[index]!;
    const now = this.engine.now();
    if (step.state === 'failed') return 'wait';
    if (definition.kind === 'manual') {
      if (!definition.waitMs) return 'wait';
      if (step.dueAt === undefined) {
        const dueAt = now + definition.waitMs;
        return {
          outcome: updateStep(ex, index, { dueAt }, now),
          after: () =>
            this.engine.schedule(ex.id, definition.waitMs, `wait-${index}-${step.attempt}`),
        };
      }
      if (step.reminded || now < step.dueAt) return 'wait';
      return {
        outcome: updateStep(ex, index, { reminded: true }, now),
        after: () =>
          this.reply(
            ex,
            `:alarm_clock: <@${ex.starter}> time is up for step ${index + 1}: ${definition.text}\nClick *${definition.confirm}* on the card when it is done.`,
          ),
      };
    }
    const template = this.engine.deps.library.template(runbook, index);
    const command = template.command;
    if (definition.kind === 'check' && command.check) return this.check(ex, runbook, index);
    return this.request(ex, runbook, index);
  }

  /** A command step (or a check whose command has no verdict): make its request, then read its result. */
  private async request(ex: Execution, runbook: GuidedRunbook, index: number): Promise<Move> {
    const step = ex.steps[index]!;
    const now = this.engine.now();
    if (!step.requestId) {
      const attempt = step.attempt + 1;
      const submissionKey = `guided:${ex.id}:${index}:${attempt}`;
      const requestId = requestIdFor(submissionKey);
      return {
        outcome: updateStep(ex, index, { requestId, attempt, requestedAt: now }, now),
        after: () => this.submit(ex, runbook, index, submissionKey, requestId),
      };
    }
    const outcome = await this.deps.requestOutcome(step.requestId);
    // Asked for, but never made (the worker died before, or Redis refused): ask again, with the
    // same submission key, so the request flow still makes it at most once.
    if (outcome.status === 'missing' && now - (step.requestedAt ?? 0) > REASK_AFTER_MS) {
      const submissionKey = `guided:${ex.id}:${index}:${step.attempt}`;
      const requestId = step.requestId;
      return {
        outcome: updateStep(ex, index, { requestedAt: now }, now),
        after: () => this.submit(ex, runbook, index, submissionKey, requestId),
      };
    }
    if (outcome.status === 'done')
      return { outcome: automatedDone(ex, index, now, { requestId: step.requestId }) };
    if (outcome.status === 'failed')
      return {
        outcome: automatedFailed(
          ex,
          index,
          `\`${step.requestId}\`: ${outcome.reason}`,
          now,
          undefined,
          outcome.by,
        ),
      };
    await this.pollLater(ex.id, step.requestId);
    return 'wait';
  }

  private async submit(
    ex: Execution,
    runbook: GuidedRunbook,
    index: number,
    submissionKey: string,
    requestId: string,
  ) {
    const template = this.engine.deps.library.template(runbook, index);
    const intake = resolveTemplate(template, ex.params, this.engine.deps.targets);
    const now = this.engine.now();
    if (intake.kind !== 'valid') {
      const why =
        intake.kind === 'invalid'
          ? intake.problems.map((p) => `${p.field}: ${p.message}`).join('; ')
          : 'arguments missing';
      await this.engine.apply(ex.id, (e) => automatedFailed(e, index, why, now));
      return;
    }
    await this.engine.deps.store.linkRequest(requestId, ex.id);
    await this.deps.createRequest(
      {
        submissionKey,
        command: intake.command.name,
        args: intake.args,
        environment: intake.environment,
        requester: ex.starter,
        channel: ex.channel,
        source: 'guided',
        ...(threadOf(ex) ? { threadTs: threadOf(ex) } : {}),
      },
      submissionKey,
    );
    const outcome = await this.deps.requestOutcome(requestId);
    if (outcome.status === 'missing') {
      await this.engine.apply(ex.id, (e) =>
        automatedFailed(
          e,
          index,
          `the request for \`${intake.command.name}\` was not made (refused by its policy; opsbot told the runbook's starter why)`,
          this.engine.now(),
        ),
      );
      return;
    }
    await this.engine.schedule(ex.id);
  }

  private async pollLater(id: string, requestId: string) {
    const pollMs = this.engine.deps.settings.poll_seconds * 1000;
    const bucket = Math.floor(this.engine.now() / pollMs);
    await this.engine.schedule(id, pollMs, `poll-${requestId}-${bucket}`);
  }

  /** A check step: the command's verdict, retried as the step says until it passes or time is up. */
  private async check(ex: Execution, runbook: GuidedRunbook, index: number): Promise<Move> {
    const step = ex.steps[index]!;
    const definition = runbook.steps[index]!;
    if (definition.kind !== 'check') return 'wait';
    if (step.dueAt !== undefined && this.engine.now() < step.dueAt) return 'wait';
    const template = this.engine.deps.library.template(runbook, index);
    const intake = resolveTemplate(template, ex.params, this.engine.deps.targets);
    if (intake.kind !== 'valid')
      return { outcome: automatedFailed(ex, index, 'arguments are not valid', this.engine.now()) };
    const attempt = step.attempt + 1;
    let verdict: Verdict;
    try {
      verdict = await intake.command.check!({
        args: intake.args,
        request: {
          id: `${ex.id}-${index + 1}-${attempt}`,
          command: intake.command.name,
          requester: ex.starter,
          channel: ex.channel,
          environment: intake.environment,
        },
        targets: this.engine.deps.targets,
        ports: this.deps.ports,
      });
    } catch (error) {
      verdict = { status: 'fail', reason: (error as Error).message.slice(0, 300) };
    }
    const now = this.engine.now();
    const shown = { status: verdict.status, reason: verdict.reason.slice(0, 300) };
    const mark = verdict.status === 'ok' ? '✓' : verdict.status === 'warn' ? '⚠' : '✗';
    const line = `${mark} step ${index + 1} \`${definition.text}\` (try ${attempt}): ${shown.reason}`;
    if (verdict.status !== 'fail')
      return {
        outcome: automatedDone(ex, index, now, { verdict: shown }),
        after: () => this.reply(ex, line),
      };
    const firstTryAt = step.firstTryAt ?? now;
    const retry = definition.retry;
    if (retry && now + retry.everyMs <= firstTryAt + retry.forMs) {
      return {
        outcome: updateStep(
          ex,
          index,
          { attempt, firstTryAt, dueAt: now + retry.everyMs, verdict: shown },
          now,
        ),
        after: async () => {
          await this.reply(ex, `${line}; trying again in ${Math.round(retry.everyMs / 1000)} s`);
          await this.engine.schedule(ex.id, retry.everyMs, `check-${index}-${attempt}`);
        },
      };
    }
    return {
      outcome: automatedFailed(ex, index, `check failed: ${shown.reason}`, now, shown),
      after: () => this.reply(ex, line),
    };
  }

  /** The idle reminder, and abandonment after `abandon_after_days`. */
  async idle(id: string) {
    const stored = await this.engine.deps.store.load(id);
    const ex = stored?.execution;
    if (ex?.status !== 'running') return;
    const { idle_reminder_hours, abandon_after_days } = this.engine.deps.settings;
    const now = this.engine.now();
    const idleMs = now - ex.activeAt;
    if (idleMs >= abandon_after_days * 86_400_000) {
      await this.engine.applyTo(id, (e) =>
        e.activeAt === ex.activeAt
          ? abortExecution(
              e,
              'system',
              `abandoned: nobody moved it for ${abandon_after_days} days`,
              now,
              'abandoned',
            )
          : { refused: 'moved meanwhile' },
      );
      await this.engine.render(id);
      return;
    }
    if (idleMs < idle_reminder_hours * 3600_000 - 1000) return;
    await this.reply(
      ex,
      `:hourglass: <@${ex.starter}> this runbook has waited at step ${ex.current + 1} for ${Math.round(idleMs / 3600_000)} h. Finish it, or click Skip… or Abort; after ${abandon_after_days} days idle it is marked abandoned.`,
    );
    await this.engine.deps.queue.add(
      'idle',
      { id },
      {
        delay: Math.max(0, ex.activeAt + abandon_after_days * 86_400_000 - now),
        jobId: `${id}-abandon-${ex.activeAt}`,
        removeOnComplete: true,
      },
    );
  }

  private async reply(ex: Execution, text: string) {
    const thread = threadOf(ex);
    if (!thread) return;
    await this.engine.deps.card.reply(ex.channel, thread, text).catch((error) => {
      this.deps.log.warn({ err: (error as Error).message }, 'runbook thread reply failed');
    });
  }
}
