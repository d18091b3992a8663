import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedCall } from '../../src/dev/slack-emulator/state.ts';
import {
  ALERT_ENV,
  alertsFile,
  channelCreateCalls,
  channelSlug,
  incidentChannelsOf,
  openIncidentOf,
  parentFor,
  sendWebhook,
  threadOf,
  webhookBody,
} from '../helpers/alerts.ts';
import { capturedLog } from '../helpers/captured-log.ts';
import { type Harness, messageText, startHarness, USERS, waitFor } from '../helpers/harness.ts';

/**
 * A critical incident's own channel when conversations.create fails: a 429 is waited out beside
 * the incidents channel's lane (other parents post meanwhile), a refusal asking again will not
 * change is told in the thread at once, and a taken name never makes a second channel.
 */
describe('incident channel when conversations.create fails', () => {
  let h: Harness;
  const { log, lines } = capturedLog('warn');

  beforeAll(async () => {
    h = await startHarness({
      file: alertsFile(),
      env: ALERT_ENV,
      alerts: { postIntervalMs: 50 },
      log,
    });
  });
  afterEach(() => h.slack.clearFaults());
  afterAll(async () => {
    await h?.stop();
  });

  const noChannelNote = (parentTs: string) =>
    threadOf(h, parentTs).find((m) => m.text.includes('No channel of its own for this incident'));
  const openedFine = (call: EmulatedCall) => call.status === 200 && !call.error;

  /** Fires a critical alert; resolves to its parent. */
  async function fireCritical(key: string) {
    await sendWebhook(h, webhookBody(key, 'firing', { severity: 'critical' }));
    return waitFor('the parent', () => parentFor(h, `Check ${key} failing`));
  }

  /** Waits for the incident's channel to be linked from its thread and parent; returns its id. */
  async function linked(key: string, parent: { ts: string; text: string; blocks?: unknown[] }) {
    const incident = await waitFor('the channel recorded on the incident', async () =>
      (await openIncidentOf(h, key))?.incidentChannel ? openIncidentOf(h, key) : undefined,
    );
    const channel = incident.incidentChannel!;
    await waitFor('the link in the thread', () =>
      threadOf(h, parent.ts).some((m) => m.text.includes(`<#${channel}>`)),
    );
    await waitFor('the channel on the parent', () =>
      messageText(parent).includes(`Channel: <#${channel}>`),
    );
    await waitFor('the channel’s first post', () =>
      h.slack.state.channelMessages(channel).some((m) => m.text.includes('Channel for')),
    );
    return channel;
  }

  it('a 429 is waited out beside the lane: other parents post meanwhile, and the channel opens once', async () => {
    h.slack.failNext('conversations.create', 1, 1);
    await sendWebhook(h, webhookBody('storm-a', 'firing', { severity: 'critical' }));
    // Not critical: no channel of its own, only a parent in the same incidents channel.
    await sendWebhook(h, webhookBody('storm-b'));
    const parent = await waitFor('the parent', () => parentFor(h, 'Check storm-a failing'));
    const channel = await linked('storm-a', parent);

    expect(incidentChannelsOf(h, 'storm-a').map((c) => c.id)).toEqual([channel]);
    expect(channelCreateCalls(h, 'storm-a').map((c) => c.status)).toEqual([429, 200]);
    expect([...h.slack.state.channels.get(channel)!.members]).toEqual([USERS.josh.id]);
    expect(noChannelNote(parent.ts)).toBeUndefined();

    // The other incident's parent went out while the channel's creation waited for Retry-After.
    const calls = h.slack.state.calls;
    const otherParent = calls.findIndex(
      (c) =>
        c.method === 'chat.postMessage' &&
        openedFine(c) &&
        c.args.channel === 'C0OPS' &&
        !c.args.thread_ts &&
        String(c.args.text).includes('Check storm-b failing'),
    );
    const created = calls.findIndex(
      (c) =>
        c.method === 'conversations.create' &&
        openedFine(c) &&
        String(c.args.name).includes(channelSlug('storm-a')),
    );
    expect(otherParent).toBeGreaterThan(-1);
    expect(otherParent).toBeLessThan(created);
  });

  it('a refusal asking again will not change is not retried: a warning, and the thread is told', async () => {
    h.slack.refuseNext('conversations.create', 3, 'restricted_action');
    const parent = await fireCritical('refused');
    const note = await waitFor('the note in the thread', () => noChannelNote(parent.ts));
    expect(note.text).toContain('`restricted_action`');
    expect(note.text).toContain('in this thread');

    const incident = await openIncidentOf(h, 'refused');
    const warning = lines.find(
      (l) => l.msg === 'could not open the incident channel' && l.incident_id === incident!.id,
    );
    expect(warning).toMatchObject({ level: 40, err: expect.stringMatching(/restricted_action/) });
    expect(channelCreateCalls(h, 'refused').map((c) => c.error)).toEqual(['restricted_action']);
    expect(incidentChannelsOf(h, 'refused')).toEqual([]);
    expect(incident?.incidentChannel).toBeUndefined();
    expect(threadOf(h, parent.ts).some((m) => m.text.includes('Discuss in'))).toBe(false);
  });

  it('a name someone else took: the channel opens under the name with -2, the only one recorded', async () => {
    // Someone made a channel of that name (it answers name_taken), and the bot is not in it.
    let person: string | undefined;
    const somebodys = (call: EmulatedCall) => {
      if (call.method !== 'conversations.create' || call.error !== 'name_taken' || person) return;
      person = 'C0PERSON';
      h.slack.state.addChannel(person, String(call.args.name), [USERS.alice.id], USERS.alice.id);
    };
    h.slack.state.on('call', somebodys);
    try {
      h.slack.refuseNext('conversations.create', 1, 'name_taken');
      const parent = await fireCritical('taken');
      const channel = await linked('taken', parent);
      const names = channelCreateCalls(h, 'taken').map((c) => String(c.args.name));
      expect(names).toHaveLength(2);
      expect(names[1]).toBe(`${names[0]}-2`);
      expect(h.slack.state.channels.get(channel)?.name).toBe(names[1]);
      expect([...h.slack.state.channels.get(channel)!.members]).toEqual([USERS.josh.id]);
      // The person's channel is left alone: nobody invited, nothing posted.
      expect([...h.slack.state.channels.get(person!)!.members]).toEqual([USERS.alice.id]);
      expect(h.slack.state.channelMessages(person!)).toEqual([]);
      expect(incidentChannelsOf(h, 'taken').filter((c) => c.creator === 'U0OPSBOT')).toHaveLength(
        1,
      );
    } finally {
      h.slack.state.off('call', somebodys);
    }
  });

  it('a creation whose answer was lost: the retry’s name_taken finds that channel, no second one', async () => {
    // Created, but the answer is an HTTP 500: the WebClient asks again and Slack says name_taken.
    h.slack.loseAnswerNext('conversations.create', 1);
    const parent = await fireCritical('lost-answer');
    const channel = await linked('lost-answer', parent);
    expect(incidentChannelsOf(h, 'lost-answer').map((c) => c.id)).toEqual([channel]);
    expect(channelCreateCalls(h, 'lost-answer').map((c) => [c.status, c.error])).toEqual([
      [500, 'answer_lost'],
      [200, 'name_taken'],
    ]);
    expect([...h.slack.state.channels.get(channel)!.members]).toEqual([USERS.josh.id]);
    expect(noChannelNote(parent.ts)).toBeUndefined();
  });

  it('an invitation Slack refuses as a whole: the channel still opens, linked, naming whom it lacks', async () => {
    h.slack.refuseNext('conversations.invite', 1, 'missing_scope');
    const parent = await fireCritical('invite-refused');
    const channel = await linked('invite-refused', parent);
    expect([...h.slack.state.channels.get(channel)!.members]).toEqual([]);
    const note = await waitFor('the not-invited note', () =>
      h.slack.state
        .channelMessages(channel)
        .find((m) => m.text.includes('Slack would not invite 1 person')),
    );
    expect(note.text).toContain(`<@${USERS.josh.id}>: \`missing_scope\``);
    const incident = await openIncidentOf(h, 'invite-refused');
    expect(
      lines.find(
        (l) =>
          l.msg === 'could not invite the on-call group into the incident channel' &&
          l.incident_id === incident!.id,
      ),
    ).toMatchObject({ level: 40, err: expect.stringMatching(/missing_scope/) });
    expect(
      h.slack.state.calls.filter(
        (c) => c.args.channel === channel && c.method === 'conversations.invite',
      ),
    ).toHaveLength(1);
  });

  it('an on-call group Slack will not list: the channel opens with nobody invited', async () => {
    h.slack.refuseNext('usergroups.users.list', 1, 'missing_scope');
    const parent = await fireCritical('group-unread');
    const channel = await linked('group-unread', parent);
    expect(incidentChannelsOf(h, 'group-unread').map((c) => c.id)).toEqual([channel]);
    expect([...h.slack.state.channels.get(channel)!.members]).toEqual([]);
    const incident = await openIncidentOf(h, 'group-unread');
    expect(
      lines.some(
        (l) =>
          l.msg ===
            'could not read the on-call group; the incident channel opens without inviting anyone' &&
          l.incident_id === incident!.id,
      ),
    ).toBe(true);
  });

  it('gives up after 5 rate-limited attempts: one warning, the thread told, the claim kept and the giving up marked', async () => {
    h.slack.failNext('conversations.create', 5, 1);
    const parent = await fireCritical('always-limited');
    const note = await waitFor('the note in the thread', () => noChannelNote(parent.ts));
    expect(note.text).not.toContain('`');
    expect(channelCreateCalls(h, 'always-limited').map((c) => c.status)).toEqual([
      429, 429, 429, 429, 429,
    ]);
    const incident = await openIncidentOf(h, 'always-limited');
    const warnings = lines.filter(
      (l) => l.msg === 'could not open the incident channel' && l.incident_id === incident!.id,
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, attempts: 5 });
    expect(incidentChannelsOf(h, 'always-limited')).toEqual([]);
    // The claim is kept (the time it was taken) and the giving up marked: nothing tries again.
    const hash = `${h.prefix}:incident:${incident!.id}`;
    expect(Number(await h.redis.hget(hash, 'incident_channel_claim'))).toBeGreaterThan(1);
    await waitFor('the giving up marked', () => h.redis.hget(hash, 'incident_channel_given_up_at'));
  });
});
