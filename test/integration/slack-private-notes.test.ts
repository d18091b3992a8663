import { afterEach, describe, expect, it } from 'vitest';
import { approvalsConfig, ephemeralsFor, waitForCard } from '../helpers/approvals.ts';
import { type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { mockLambda } from '../helpers/lambda-mock.ts';

const { alice } = USERS;

/**
 * Slack shows an ephemeral only in a conversation the bot is in: `chat.postEphemeral` in a private
 * channel or a DM between people answers `channel_not_found`. A request typed there still gets its
 * notes, in the app's DM with the requester (chat.postMessage with the user id as channel).
 */
describe('notes to a requester who typed /ops where the bot is not', () => {
  let h: Harness;
  let lambda: ReturnType<typeof mockLambda>;
  afterEach(async () => {
    await h?.stop();
    lambda?.mock.restore();
  });

  it('go to the app’s DM with them, and the request goes on in #ops', async () => {
    lambda = mockLambda({ versions: ['41', '42', '43'], current: '42' });
    h = await startHarness({ file: approvalsConfig() });
    // G0SECRET: a private channel the bot is not in (unknown to the workspace's bot).
    await h.client.command('promote mission-control-api 43', alice, { channel: 'G0SECRET' });
    const card = await waitForCard(h);
    expect(card.now().text).toContain('Approval needed: promote');
    const dm = await waitFor('a note in the app’s DM with alice', () =>
      h.slack.state.messages.find((m) => m.channel === `D${alice.id.slice(1)}`),
    );
    expect(dm.text).toMatch(/waiting for approval in <#C0OPS>/);
    expect(dm.visibleTo).toBeUndefined();
    // Nothing was shown in a conversation alice did not type in.
    expect(ephemeralsFor(h, alice)).toEqual([]);
  });
});
