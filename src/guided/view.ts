import type { GuidedRunbook } from './definition.ts';
import type { Execution, StepState } from './execution.ts';

/** A button on the runbook card; `value` names the execution and the step, nothing else. */
export interface CardButton {
  action: 'done' | 'skip' | 'retry' | 'abort';
  label: string;
  value: string;
  style?: 'primary' | 'danger';
}

export interface StepView {
  number: number;
  kind: 'manual' | 'command' | 'check';
  text: string;
  state: StepState;
  by?: string;
  at?: number;
  reason?: string;
  /** A manual step that needs a second person. */
  secondPerson?: boolean;
  /** A wait step's reminder time. */
  dueAt?: number;
  requestId?: string;
  verdict?: { status: 'ok' | 'warn' | 'fail'; reason: string };
  attempt: number;
  buttons: CardButton[];
}

/** The runbook card, platform-neutral: the Slack renderer and the tests read this. */
export interface CardView {
  executionId: string;
  name: string;
  title: string;
  source: string;
  status: Execution['status'];
  starter: string;
  startedAt: number;
  reason?: string;
  /** Who aborted it: the renderer shows a mention. */
  abortedBy?: string;
  params: Record<string, string>;
  steps: StepView[];
}

/** Button value: `<execution id>|<step index>`; everything else is read from Redis on click. */
export const buttonValue = (executionId: string, index: number) => `${executionId}|${index}`;

export function parseButtonValue(value: string) {
  const match = /^(rbx_[0-9a-f]{16})\|(\d{1,2})$/.exec(value);
  return match ? { executionId: match[1]!, index: Number(match[2]) } : undefined;
}

function buttonsFor(ex: Execution, runbook: GuidedRunbook, index: number): CardButton[] {
  const step = ex.steps[index]!;
  if (ex.status !== 'running' || index !== ex.current) return [];
  const value = buttonValue(ex.id, index);
  const definition = runbook.steps[index]!;
  if (step.state === 'failed')
    return [
      { action: 'retry', label: 'Retry', value, style: 'primary' },
      { action: 'skip', label: 'Skip…', value },
      { action: 'abort', label: 'Abort', value, style: 'danger' },
    ];
  if (definition.kind === 'manual')
    return [
      { action: 'done', label: definition.confirm, value, style: 'primary' },
      { action: 'skip', label: 'Skip…', value },
    ];
  // A command waits for its request; a check may be skipped between tries.
  return step.requestId ? [] : [{ action: 'skip', label: 'Skip…', value }];
}

export function cardView(ex: Execution, runbook: GuidedRunbook): CardView {
  return {
    executionId: ex.id,
    name: ex.runbook,
    title: ex.title,
    source: ex.source,
    status: ex.status,
    starter: ex.starter,
    startedAt: ex.startedAt,
    ...(ex.reason ? { reason: ex.reason } : {}),
    ...(ex.abortedBy ? { abortedBy: ex.abortedBy } : {}),
    params: ex.params,
    steps: runbook.steps.map((definition, index) => {
      const step = ex.steps[index]!;
      return {
        number: index + 1,
        kind: definition.kind,
        text: definition.text,
        state: step.state,
        attempt: step.attempt,
        ...(step.by ? { by: step.by } : {}),
        ...(step.at ? { at: step.at } : {}),
        ...(step.reason ? { reason: step.reason } : {}),
        ...(definition.kind === 'manual' && definition.by === 'other'
          ? { secondPerson: true }
          : {}),
        ...(step.dueAt && definition.kind === 'manual' ? { dueAt: step.dueAt } : {}),
        ...(step.requestId ? { requestId: step.requestId } : {}),
        ...(step.verdict ? { verdict: step.verdict } : {}),
        buttons: buttonsFor(ex, runbook, index),
      };
    }),
  };
}
