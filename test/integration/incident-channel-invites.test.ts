import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERT_ENV,
  alertsFile,
  parentFor,
  sendWebhook,
  threadOf,
  webhookBody,
} from '../helpers/alerts.ts';
import { capturedLog } from '../helpers/captured-log.ts';
import { type Harness, messageText, startHarness, USERS, waitFor } from '../helpers/harness.ts';

/**
 * A critical incident's own channel, when Slack refuses some of the on-call group: the others are
 * invited, and the channel is told whom Slack left out and why, so nobody takes them to be there.
 */
describe('incident channel invitees Slack refused', () => {
  let h: Harness;
  const GUEST = 'U0GUEST';
  const NOBODY = 'U0NOBODY';
  const { log, lines } = capturedLog('warn');

  beforeAll(async () => {
    h = await startHarness({
      file: alertsFile(),
      env: ALERT_ENV,
      alerts: { postIntervalMs: 50 },
      log,
    });
    h.slack.state.addUser(GUEST, 'guest');
    h.slack.state.inviteRefusals.set(GUEST, 'user_is_restricted');
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Fires a critical alert; resolves to its parent and its channel once the invites are done. */
  async function openCritical(key: string) {
    await sendWebhook(h, webhookBody(key, 'firing', { severity: 'critical' }));
    const parent = await waitFor('the parent', () => parentFor(h, `Check ${key} failing`));
    const channel = await waitFor('the incident channel with people invited', () =>
      [...h.slack.state.channels.values()].find(
        (c) => c.name.includes(`check-${key}-failing`) && c.members.size > 0,
      ),
    );
    return { parent, channel };
  }

  const notInvitedNotes = (channel: string) =>
    h.slack.state.channelMessages(channel).filter((m) => m.text.includes('Slack would not invite'));

  it('a guest and an unknown id are left out, everyone else is in, and the channel is told whom and why', async () => {
    h.slack.state.setUsergroup('S0ONCALL', 'oncall', [USERS.josh.id, GUEST, NOBODY, USERS.jane.id]);
    const { parent, channel } = await openCritical('guest-invitee');
    expect([...channel.members].sort()).toEqual([USERS.jane.id, USERS.josh.id]);

    const [note, ...more] = await waitFor('the note naming the refused invitees', () => {
      const notes = notInvitedNotes(channel.id);
      return notes.length ? notes : undefined;
    });
    expect(more).toEqual([]);
    expect(note!.thread_ts).toBeUndefined();
    expect(note!.text).toContain(
      `<@${GUEST}>: a guest account (Slack does not let apps invite guests)`,
    );
    expect(note!.text).toContain(`<@${NOBODY}>: no such user in this workspace`);
    expect(note!.text).toContain('Slack would not invite 2 people');
    expect(note!.text).toContain('`/invite`');
    expect(note!.text).not.toContain(USERS.josh.id);
    expect(note!.text).not.toContain(USERS.jane.id);
    expect(messageText(note!)).toContain(`<@${GUEST}>`);

    // It comes after the channel's first post, which links the alert thread.
    const posts = h.slack.state.channelMessages(channel.id);
    expect(posts.map((m) => m.text.startsWith(':rotating_light: Channel for'))).toEqual([
      true,
      false,
    ]);
    expect(posts[0]!.text).toContain(parent.ts.replace('.', ''));
    await waitFor('the link in the thread', () =>
      threadOf(h, parent.ts).some((m) => m.text.includes(`<#${channel.id}>`)),
    );
  });

  it('when Slack refuses nobody, the channel gets no such note', async () => {
    h.slack.state.setUsergroup('S0ONCALL', 'oncall', [USERS.josh.id, USERS.jane.id]);
    const { parent, channel } = await openCritical('all-invited');
    expect([...channel.members].sort()).toEqual([USERS.jane.id, USERS.josh.id]);
    await waitFor('the channel’s first post', () =>
      h.slack.state.channelMessages(channel.id).some((m) => m.text.includes('Channel for')),
    );
    await waitFor('the channel on the parent', () =>
      messageText(parent).includes(`Channel: <#${channel.id}>`),
    );
    // The note would follow the first post at once: give it time to land before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(notInvitedNotes(channel.id)).toEqual([]);
    expect(h.slack.state.channelMessages(channel.id)).toHaveLength(1);
  });

  // Last in this file: it deletes the channel from the emulator, whose next channel id would be
  // that one again (ids count the channels).
  it('when the note cannot be posted, that is logged and the incident channel still opens', async () => {
    h.slack.state.setUsergroup('S0ONCALL', 'oncall', [USERS.josh.id, GUEST]);
    // The channel is gone (archived and deleted) right after its first post, before the note.
    const vanish = (call: { method: string; args: Record<string, unknown> }) => {
      const id = String(call.args.channel);
      if (
        call.method === 'chat.postMessage' &&
        h.slack.state.channels.get(id)?.name.includes('check-note-fails-failing')
      )
        h.slack.state.channels.delete(id);
    };
    h.slack.state.on('call', vanish);
    try {
      await sendWebhook(h, webhookBody('note-fails', 'firing', { severity: 'critical' }));
      const parent = await waitFor('the parent', () => parentFor(h, 'Check note-fails failing'));
      const warning = await waitFor('the warning', () =>
        lines.find(
          (l) => l.msg === 'could not tell the incident channel whom Slack did not invite',
        ),
      );
      expect(warning).toMatchObject({
        level: 40,
        count: 1,
        err: expect.stringMatching(/channel_not_found/),
      });
      const channel = String(warning.channel);
      await waitFor('the link in the thread', () =>
        threadOf(h, parent.ts).some((m) => m.text.includes(`<#${channel}>`)),
      );
      await waitFor('the channel on the parent', () =>
        messageText(parent).includes(`Channel: <#${channel}>`),
      );
      const [incident] = (await h.bot.alerts.store.listOpen()).filter(
        (i) => i.key === 'webhook:uptime:note-fails',
      );
      expect(incident?.incidentChannel).toBe(channel);
      expect(lines.some((l) => l.msg === 'could not open the incident channel')).toBe(false);
    } finally {
      h.slack.state.off('call', vanish);
    }
  });
});
