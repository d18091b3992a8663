import { describe, expect, it } from 'vitest';
import type { InviteRefusal } from '../../src/incidents/notices.ts';
import { incidentNote, NOT_INVITED_LISTED } from '../../src/slack/blocks/incident.ts';
import { messageProblems } from '../helpers/slack-fidelity-blocks.ts';

/** The note in an incident channel naming whom Slack would not invite, and why. */
describe('the not-invited note (src/slack/blocks/incident.ts)', () => {
  const note = (refused: InviteRefusal[]) => incidentNote({ kind: 'not-invited', refused });

  it('names each refused invitee as a mention, with Slack’s error in plain words, and says how to add them', () => {
    const content = note([
      { user: 'U0GUEST', error: 'user_is_restricted' },
      { user: 'U0NOBODY', error: 'user_not_found' },
      { user: 'U0ROBOT', error: 'user_is_bot' },
      { user: 'U0REFUSED', error: 'cant_invite' },
      { user: 'U0SINGLE', error: 'ura_max_channels' },
      { user: 'U0ODD', error: 'some_new_error' },
    ]);
    expect(content.text).toBe(
      [
        ':warning: Slack would not invite 6 people from the on-call group, so they are not in this channel:',
        '• <@U0GUEST>: a guest account (Slack does not let apps invite guests)',
        '• <@U0NOBODY>: no such user in this workspace',
        '• <@U0ROBOT>: a bot',
        '• <@U0REFUSED>: Slack refused the invite',
        '• <@U0SINGLE>: a single-channel guest already in their one channel',
        '• <@U0ODD>: `some_new_error`',
        'Add them by hand with `/invite` if they should be here.',
      ].join('\n'),
    );
    expect(content.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: content.text } },
    ]);
  });

  it('says when the invitation itself kept failing (the channel opened without them)', () => {
    expect(note([{ user: 'U0JOSH', error: 'invite_failed' }]).text).toContain(
      '• <@U0JOSH>: Slack kept failing to take the invitation, and opsbot gave up asking',
    );
  });

  it('says "1 person" for one', () => {
    expect(note([{ user: 'U0GUEST', error: 'user_is_restricted' }]).text).toMatch(
      /^:warning: Slack would not invite 1 person from the on-call group/,
    );
  });

  it('escapes what is not a user id or a known error instead of reading it as markup', () => {
    const { text } = note([
      { user: '<!channel>', error: 'user_not_found' },
      { user: 'U0ODD', error: '<!here> & co' },
    ]);
    expect(text).toContain('• @&lt;!channel&gt;: no such user in this workspace');
    expect(text).toContain('• <@U0ODD>: `&lt;!here&gt; &amp; co`');
    expect(text).not.toMatch(/<!(channel|here)>/);
  });

  it(`names at most ${NOT_INVITED_LISTED} and counts the rest, within Block Kit limits however long the ids and errors`, () => {
    const refused = Array.from({ length: 2345 }, (_, i) => ({
      user: `U${'X'.repeat(200)}${i}`,
      error: `e${'r'.repeat(500)}`,
    }));
    const content = note(refused);
    const lines = content.text.split('\n');
    expect(lines.filter((l) => l.startsWith('• @UXXX'))).toHaveLength(NOT_INVITED_LISTED);
    expect(lines).toContain(`• and ${2345 - NOT_INVITED_LISTED} more`);
    expect(lines.at(-1)).toBe('Add them by hand with `/invite` if they should be here.');
    expect(content.text.length).toBeLessThanOrEqual(3000);
    expect(messageProblems(content)).toEqual([]);
  });
});
