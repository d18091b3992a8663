import { describe, expect, it } from 'vitest';
import { incidentNote } from '../../src/slack/blocks/incident.ts';
import { outputMessage } from '../../src/slack/blocks/output.ts';
import { runResult } from '../../src/slack/blocks/run-message.ts';
import { messageProblems } from '../helpers/slack-fidelity-blocks.ts';

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
