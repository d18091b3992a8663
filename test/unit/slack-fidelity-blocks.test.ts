import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyCommand } from '../../src/sdk/command.ts';
import { commandFormModal } from '../../src/slack/blocks/form-modal.ts';
import { incidentNote } from '../../src/slack/blocks/incident.ts';
import { outputMessage } from '../../src/slack/blocks/output.ts';
import { runResult } from '../../src/slack/blocks/run-message.ts';
import { runbookCard } from '../../src/slack/blocks/runbook-card.ts';
import { messageProblems, modalProblems } from '../helpers/slack-fidelity-blocks.ts';

/** Pure block builders fed the longest and emptiest data users, alerts and AWS can send. */
describe('block builders within Block Kit limits', () => {
  it('cuts an incident channel note about an alert with a very long name', () => {
    const title = `<${'x'.repeat(5000)}>`;
    const note = incidentNote({ kind: 'channel-opened', title, thread: 'https://x.example/t' });
    expect(messageProblems(note)).toEqual([]);
    expect(note.text).toContain('&lt;xxx');
  });
});

describe('run output buttons', () => {
  it('gives every command button of a message its own action_id, across actions blocks', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      label: `Undo ${i}`,
      command: `ping ${i}`,
    }));
    const message = outputMessage({
      text: 'blocks',
      blocks: [
        { type: 'buttons', buttons: many },
        { type: 'buttons', buttons: [{ label: 'Roll back', command: 'rollback api' }] },
      ],
    });
    expect(messageProblems(message)).toEqual([]);
    const ids = message.blocks.flatMap((b) =>
      b.type === 'actions' ? b.elements.map((e) => e.action_id) : [],
    );
    expect(ids).toHaveLength(31);
    expect(new Set(ids).size).toBe(31);
    for (const id of ids) expect(id).toMatch(/^command\.run\.\d+$/);
  });
});

describe('run result', () => {
  it('escapes and cuts its fallback text like its section (an AWS error may hold <!channel>)', () => {
    const message = runResult({
      runId: 'run_0000000000000001',
      requestId: 'req_1',
      command: 'promote',
      argsText: 'api 43',
      requester: 'U0ALICE',
      environment: 'prod',
      status: 'failed',
      steps: [],
      attempt: 1,
      error: { code: 'aws_error', message: `<!channel> ${'&'.repeat(5000)}`, step: 'update' },
      startedAt: 0,
      finishedAt: 1000,
    });
    expect(messageProblems(message)).toEqual([]);
    expect(message.text).not.toContain('<!channel>');
    expect(message.text).toContain('&lt;!channel&gt;');
    expect(message.text.length).toBeLessThanOrEqual(3000);
  });
});

describe('command form', () => {
  const command = (names: string[]) =>
    ({
      name: 'promote',
      summary: 'Promote a function',
      args: z.object({ fn: z.enum(names as [string, ...string[]]) }),
    }) as unknown as AnyCommand;
  const fnElement = (names: string[]) => {
    const view = commandFormModal(command(names), {} as never, {
      command: 'promote',
      channel: 'C1',
    });
    expect(modalProblems(view as never)).toEqual([]);
    return view.blocks.find((b) => b.type === 'input')!.element;
  };

  it('offers up to 100 choices as a select', () => {
    const element = fnElement(Array.from({ length: 100 }, (_, i) => `fn-${i}`));
    expect(element.type).toBe('static_select');
  });

  it('has the 101st choice typed rather than left out of a 100-option select', () => {
    const element = fnElement(Array.from({ length: 101 }, (_, i) => `fn-${i}`));
    expect(element.type).toBe('plain_text_input');
  });

  it('has a choice longer than an option value (150) typed rather than cut', () => {
    const element = fnElement(['short', `long-${'x'.repeat(200)}`]);
    expect(element.type).toBe('plain_text_input');
  });
});

describe('runbook card', () => {
  it('escapes the title in its fallback text as in its section', () => {
    const card = runbookCard({
      executionId: 'rbx_0000000000000001',
      name: 'failover',
      title: 'Fail over <primary> & check',
      source: 'manual',
      status: 'running',
      starter: 'U0ALICE',
      startedAt: 0,
      params: {},
      steps: [
        { number: 1, kind: 'manual', text: 'Check', state: 'current', attempt: 1, buttons: [] },
      ],
    });
    expect(messageProblems(card)).toEqual([]);
    expect(card.text).toContain('Fail over &lt;primary&gt; &amp; check');
  });
});
