import type { GuidedRunbook } from './definition.ts';

/**
 * One execution of a guided runbook: which step is current and what happened to each step. It is a
 * plain value; every change is a pure function below that returns the next value and the audit
 * events it causes, or why the change is refused. The store commits a change atomically.
 */
export type StepState = 'pending' | 'current' | 'done' | 'skipped' | 'failed';
export type ExecutionStatus = 'running' | 'finished' | 'aborted' | 'abandoned';

export interface StepRecord {
  state: StepState;
  /** Who finished it (a user id, or `system` for a command's run and a check). */
  by?: string;
  at?: number;
  /** Why it was skipped or failed. */
  reason?: string;
  /** The request a command step (or a check without a verdict function) made, per attempt. */
  requestId?: string;
  /** Attempts made (a Retry, or a check's retries). */
  attempt: number;
  /** A wait step's reminder time; a check's next try. */
  dueAt?: number;
  /** When the step's request was asked for (a request not made after a while is asked again). */
  requestedAt?: number;
  /** When a check's first try ran (its retry window starts there). */
  firstTryAt?: number;
  reminded?: boolean;
  /** The last verdict of a check step: ok, warn or fail, and its reason. */
  verdict?: { status: 'ok' | 'warn' | 'fail'; reason: string };
}

export interface Execution {
  id: string;
  runbook: string;
  /** The runbook's step digest when it started (see GuidedRunbook.digest). */
  digest: string;
  title: string;
  source: string;
  params: Record<string, string>;
  starter: string;
  channel: string;
  /** The thread the card lives in (an incident's thread), when it is not a message of its own. */
  threadTs?: string;
  cardTs?: string;
  status: ExecutionStatus;
  current: number;
  steps: StepRecord[];
  startedAt: number;
  updatedAt: number;
  /** The last time a person or a step moved it (for the idle reminder). */
  activeAt: number;
  idleReminded?: boolean;
  /** Why it was aborted or abandoned (as the person typed it; may be missing). */
  reason?: string;
  /** Who aborted it (a person's Slack user id); the card shows them as a mention. */
  abortedBy?: string;
}

export type GuidedAction =
  | 'runbook.started'
  | 'runbook.step.done'
  | 'runbook.step.skipped'
  | 'runbook.step.failed'
  | 'runbook.finished'
  | 'runbook.aborted';

export interface GuidedEvent {
  action: GuidedAction;
  actor: string;
  step?: number;
  reason?: string;
  data?: Record<string, unknown>;
}

/** A committed change: the next execution, the audit events and a line for the card's thread. */
export interface Change {
  next: Execution;
  events: GuidedEvent[];
  replies: string[];
}

export type Outcome = Change | { refused: string };

/** The thread a card's details go to: the incident thread, or the card's own. */
export const threadOf = (ex: Execution) => ex.threadTs ?? ex.cardTs;

export function newExecution(
  id: string,
  runbook: GuidedRunbook,
  input: { params: Record<string, string>; starter: string; channel: string; threadTs?: string },
  now: number,
): Change {
  const next: Execution = {
    id,
    runbook: runbook.name,
    digest: runbook.digest,
    title: runbook.title,
    source: runbook.source,
    params: input.params,
    starter: input.starter,
    channel: input.channel,
    ...(input.threadTs ? { threadTs: input.threadTs } : {}),
    status: 'running',
    current: 0,
    steps: runbook.steps.map((_, i) => ({ state: i === 0 ? 'current' : 'pending', attempt: 0 })),
    startedAt: now,
    updatedAt: now,
    activeAt: now,
  };
  return {
    next,
    events: [
      {
        action: 'runbook.started',
        actor: input.starter,
        step: 0,
        data: { params: input.params, source: runbook.source, steps: runbook.steps.length },
      },
    ],
    replies: [],
  };
}

const clone = (ex: Execution): Execution => structuredClone(ex);

/** Moves to the step after the current one, finishing the execution after the last. */
function moveOn(next: Execution, events: GuidedEvent[], now: number) {
  next.current += 1;
  if (next.current >= next.steps.length) {
    next.status = 'finished';
    events.push({ action: 'runbook.finished', actor: 'system', step: next.current - 1 });
    return;
  }
  next.steps[next.current]!.state = 'current';
  next.activeAt = now;
}

function currentStep(ex: Execution, index: number): StepRecord | string {
  if (ex.status !== 'running') return `This runbook is ${ex.status}; nothing changed.`;
  const step = ex.steps[index];
  if (!step) return 'That step is not in this runbook; nothing changed.';
  if (index < ex.current || step.state === 'done' || step.state === 'skipped') {
    const who = step.by ? ` by <@${step.by}>` : '';
    return `Step ${index + 1} is already ${step.state}${who}; nothing changed.`;
  }
  if (index > ex.current) return `Step ${index + 1} is not the current step yet; nothing changed.`;
  return step;
}

/** A person confirms the current manual step. */
export function confirmStep(
  ex: Execution,
  runbook: GuidedRunbook,
  index: number,
  user: string,
  now: number,
): Outcome {
  const step = currentStep(ex, index);
  if (typeof step === 'string') return { refused: step };
  const definition = runbook.steps[index]!;
  if (definition.kind !== 'manual' || step.state !== 'current')
    return { refused: `Step ${index + 1} is not waiting for a person; nothing changed.` };
  if (definition.by === 'other' && user === ex.starter)
    return {
      refused: `:no_entry: Step ${index + 1} needs a second person: someone other than <@${ex.starter}>, who started this runbook, must confirm it.`,
    };
  const next = clone(ex);
  Object.assign(next.steps[index]!, { state: 'done', by: user, at: now });
  next.updatedAt = now;
  const events: GuidedEvent[] = [{ action: 'runbook.step.done', actor: user, step: index }];
  moveOn(next, events, now);
  return { next, events, replies: [] };
}

/** A person skips the current step, giving a reason. */
export function skipStep(
  ex: Execution,
  runbook: GuidedRunbook,
  index: number,
  user: string,
  reason: string,
  now: number,
): Outcome {
  const step = currentStep(ex, index);
  if (typeof step === 'string') return { refused: step };
  const why = reason.trim();
  if (why === '') return { refused: 'Skipping a step needs a reason; nothing changed.' };
  if (step.requestId && step.state === 'current')
    return {
      refused: `Step ${index + 1} has a request in progress; wait for its result (it can be skipped if it fails).`,
    };
  const definition = runbook.steps[index]!;
  if (definition.kind === 'manual' && definition.by === 'other' && user === ex.starter)
    return {
      refused: `:no_entry: Step ${index + 1} needs a second person: someone other than <@${ex.starter}> must confirm or skip it.`,
    };
  const next = clone(ex);
  Object.assign(next.steps[index]!, { state: 'skipped', by: user, at: now, reason: why });
  next.updatedAt = now;
  const events: GuidedEvent[] = [
    { action: 'runbook.step.skipped', actor: user, step: index, reason: why },
  ];
  moveOn(next, events, now);
  return { next, events, replies: [] };
}

/** The current automated step finished well (a command's run is done, a check passed). */
export function automatedDone(
  ex: Execution,
  index: number,
  now: number,
  detail: { requestId?: string; verdict?: StepRecord['verdict'] },
): Outcome {
  const step = currentStep(ex, index);
  if (typeof step === 'string') return { refused: step };
  const next = clone(ex);
  Object.assign(next.steps[index]!, {
    state: 'done',
    by: 'system',
    at: now,
    ...(detail.verdict ? { verdict: detail.verdict } : {}),
  });
  next.updatedAt = now;
  const events: GuidedEvent[] = [
    {
      action: 'runbook.step.done',
      actor: 'system',
      step: index,
      data: {
        ...(detail.requestId ? { request_id: detail.requestId } : {}),
        ...(detail.verdict ? { verdict: detail.verdict.status } : {}),
      },
    },
  ];
  moveOn(next, events, now);
  return { next, events, replies: [] };
}

/** The current automated step failed for good: the runbook stops there (Retry or Abort). */
export function automatedFailed(
  ex: Execution,
  index: number,
  reason: string,
  now: number,
  verdict?: StepRecord['verdict'],
  /** Who ended it, when a person did (a denial); else opsbot. */
  by = 'system',
): Outcome {
  const step = currentStep(ex, index);
  if (typeof step === 'string') return { refused: step };
  if (step.state === 'failed') return { refused: `Step ${index + 1} already failed.` };
  const next = clone(ex);
  Object.assign(next.steps[index]!, {
    state: 'failed',
    by,
    at: now,
    reason,
    ...(verdict ? { verdict } : {}),
  });
  next.updatedAt = now;
  next.activeAt = now;
  return {
    next,
    events: [
      {
        action: 'runbook.step.failed',
        actor: by,
        step: index,
        reason,
        ...(step.requestId ? { data: { request_id: step.requestId } } : {}),
      },
    ],
    replies: [],
  };
}

/** Changes a step's bookkeeping (its request, its next try) without moving the runbook. */
export function updateStep(
  ex: Execution,
  index: number,
  fields: Partial<StepRecord>,
  now: number,
): Outcome {
  const step = currentStep(ex, index);
  if (typeof step === 'string') return { refused: step };
  const next = clone(ex);
  Object.assign(next.steps[index]!, fields);
  next.updatedAt = now;
  return { next, events: [], replies: [] };
}

/** Retry: the failed step becomes current again, as a new attempt. */
export function retryStep(ex: Execution, index: number, user: string, now: number): Outcome {
  if (ex.status !== 'running') return { refused: `This runbook is ${ex.status}; nothing changed.` };
  const step = ex.steps[index];
  if (index !== ex.current || step?.state !== 'failed')
    return { refused: 'Only a failed step can be retried; nothing changed.' };
  const next = clone(ex);
  next.steps[index] = { state: 'current', attempt: step.attempt };
  next.updatedAt = now;
  next.activeAt = now;
  return { next, events: [], replies: [`:repeat: <@${user}> retried step ${index + 1}.`] };
}

/** Abort (a person) or abandon (idle too long): the runbook stops for good. */
export function abortExecution(
  ex: Execution,
  user: string,
  reason: string,
  now: number,
  status: 'aborted' | 'abandoned' = 'aborted',
): Outcome {
  if (ex.status !== 'running') return { refused: `This runbook is already ${ex.status}.` };
  const next = clone(ex);
  next.status = status;
  if (reason) next.reason = reason;
  if (status === 'aborted') next.abortedBy = user;
  next.updatedAt = now;
  return {
    next,
    events: [
      {
        action: 'runbook.aborted',
        actor: user,
        step: ex.current,
        ...(reason ? { reason } : {}),
        ...(status === 'abandoned' ? { data: { abandoned: true } } : {}),
      },
    ],
    replies: [],
  };
}
