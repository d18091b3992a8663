import { describe, expect, it } from 'vitest';
import type { GuidedRunbook } from '../../src/guided/definition.ts';
import {
  abortExecution,
  automatedDone,
  automatedFailed,
  type Change,
  confirmStep,
  type Execution,
  newExecution,
  type Outcome,
  retryStep,
  skipStep,
} from '../../src/guided/execution.ts';
import { cardView } from '../../src/guided/view.ts';

const runbook: GuidedRunbook = {
  name: 'r',
  title: 'R',
  source: 's.txt',
  digest: 'd',
  file: 'runbooks/r.yml',
  params: {},
  steps: [
    { kind: 'manual', text: 'one', confirm: 'Done', by: 'other' },
    { kind: 'command', text: 'ping' },
    { kind: 'manual', text: 'three', confirm: 'OK', by: 'anyone' },
  ],
};

const changed = (outcome: Outcome): Change => {
  if ('refused' in outcome) throw new Error(outcome.refused);
  return outcome;
};
const start = () =>
  newExecution(
    'rbx_0000000000000000',
    runbook,
    { params: {}, starter: 'U0ALICE', channel: 'C0OPS' },
    1,
  ).next;

describe('the execution state machine', () => {
  it('refuses the starter on a `by: other` step, for Done and for Skip', () => {
    const ex = start();
    expect(confirmStep(ex, runbook, 0, 'U0ALICE', 2)).toEqual({
      refused: expect.stringContaining('needs a second person'),
    });
    expect(skipStep(ex, runbook, 0, 'U0ALICE', 'no', 2)).toEqual({
      refused: expect.stringContaining('needs a second person'),
    });
    const next = changed(confirmStep(ex, runbook, 0, 'U0BOB', 2)).next;
    expect(next.steps[0]).toMatchObject({ state: 'done', by: 'U0BOB', at: 2 });
    expect(next.steps[1]?.state).toBe('current');
  });

  it('counts a second Done on the same step once (the second is refused, naming who did it)', () => {
    const next = changed(confirmStep(start(), runbook, 0, 'U0BOB', 2)).next;
    expect(confirmStep(next, runbook, 0, 'U0BOB', 3)).toEqual({
      refused: 'Step 1 is already done by <@U0BOB>; nothing changed.',
    });
  });

  it('needs a reason to skip, and refuses a step that is not current yet', () => {
    const ex = start();
    expect(skipStep(ex, runbook, 0, 'U0BOB', '  ', 2)).toEqual({
      refused: expect.stringContaining('needs a reason'),
    });
    expect(confirmStep(ex, runbook, 2, 'U0BOB', 2)).toEqual({
      refused: expect.stringContaining('not the current step'),
    });
    const skipped = changed(skipStep(ex, runbook, 0, 'U0BOB', 'done by hand', 2));
    expect(skipped.events).toEqual([
      { action: 'runbook.step.skipped', actor: 'U0BOB', step: 0, reason: 'done by hand' },
    ]);
  });

  it('stops at a failed command step: Retry makes it current again, Abort ends the execution once', () => {
    let ex: Execution = changed(confirmStep(start(), runbook, 0, 'U0BOB', 2)).next;
    ex = changed(automatedFailed(ex, 1, 'its run failed', 3)).next;
    expect(cardView(ex, runbook).steps[1]?.buttons.map((b) => b.action)).toEqual([
      'retry',
      'skip',
      'abort',
    ]);
    expect(retryStep(ex, 0, 'U0BOB', 4)).toEqual({
      refused: expect.stringContaining('Only a failed step'),
    });
    const retried = changed(retryStep(ex, 1, 'U0BOB', 4)).next;
    expect(retried.steps[1]).toEqual({ state: 'current', attempt: 0 });
    const aborted = changed(abortExecution(ex, 'U0BOB', 'not today', 5));
    expect(aborted.next.status).toBe('aborted');
    expect(cardView(aborted.next, runbook)).toMatchObject({
      abortedBy: 'U0BOB',
      reason: 'not today',
    });
    expect(aborted.events).toEqual([
      { action: 'runbook.aborted', actor: 'U0BOB', step: 1, reason: 'not today' },
    ]);
    expect(abortExecution(aborted.next, 'U0BOB', 'again', 6)).toEqual({
      refused: 'This runbook is already aborted.',
    });
  });

  it('finishes after the last step with one runbook.finished event', () => {
    let ex: Execution = changed(confirmStep(start(), runbook, 0, 'U0BOB', 2)).next;
    ex = changed(automatedDone(ex, 1, 3, { requestId: 'req_0000000000000001' })).next;
    const last = changed(confirmStep(ex, runbook, 2, 'U0ALICE', 4));
    expect(last.next.status).toBe('finished');
    expect(last.events.map((e) => e.action)).toEqual(['runbook.step.done', 'runbook.finished']);
    expect(cardView(last.next, runbook).steps.every((s) => s.buttons.length === 0)).toBe(true);
  });
});
