import { describe, expect, it } from 'vitest';
import { incidentNote } from '../../src/slack/blocks/incident.ts';
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
