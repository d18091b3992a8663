import { ErrorCode } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import { incidentSlack } from '../../src/slack/incident-slack.ts';
import { type Inviter, inviteUsers } from '../../src/slack/invite-users.ts';
import { createWebClient } from '../../src/slack/web-writer.ts';
import { capturedLog } from '../helpers/captured-log.ts';

/**
 * conversations.invite as docs.slack.dev/reference/methods/conversations.invite describes it:
 * "invites 1-1000 users" a call (`users`: "Up to 1000 users may be listed"; more is
 * `too_many_users`), and an invitee Slack refuses is named in the error's `errors` array
 * (`{ ok: false, error, user }`). Without `force` nobody is invited when one invitee fails; with
 * `force: true` Slack goes on "inviting the valid ones while disregarding invalid IDs".
 */
describe('inviting people into an incident channel', () => {
  const BOT = 'U0OPSBOT';
  const slack = new SlackEmulator({ tokens: ['xoxb-good'], botUserId: BOT });
  let client: ReturnType<typeof createWebClient>;
  const many = Array.from({ length: 2345 }, (_, i) => `U${String(i).padStart(7, '0')}`);
  beforeAll(async () => {
    client = createWebClient('xoxb-good', await slack.start(), { rejectRateLimitedCalls: true });
    for (const id of many) slack.state.addUser(id, id.toLowerCase());
    for (const id of ['U0JOSH', 'U0JANE', 'U0ALICE']) slack.state.addUser(id, id.toLowerCase());
  });
  afterAll(() => slack.stop());
  beforeEach(() => {
    slack.state.calls.length = 0;
    slack.state.addChannel('C0INC', 'inc-test');
  });

  const members = () => [...slack.state.channels.get('C0INC')!.members];
  const invites = () => slack.state.calls.filter((c) => c.method === 'conversations.invite');

  it('Slack refuses more than 1000 users in one call (too_many_users) and invites nobody', async () => {
    await expect(
      client.conversations.invite({ channel: 'C0INC', users: many.slice(0, 1001).join(',') }),
    ).rejects.toMatchObject({ data: { ok: false, error: 'too_many_users' } });
    expect(members()).toEqual([]);
    await expect(
      client.conversations.invite({ channel: 'C0INC', users: many.slice(0, 1000).join(',') }),
    ).resolves.toMatchObject({ ok: true });
    expect(members()).toHaveLength(1000);
  });

  it('an on-call group of 2,345 people is invited in calls of at most 1000', async () => {
    await incidentSlack(client).invite('C0INC', many);
    expect(new Set(members())).toEqual(new Set(many));
    const sizes = invites().map((c) => String(c.args.users).split(',').length);
    expect(sizes).toEqual([1000, 1000, 345]);
    expect(invites().every((c) => c.status === 200 && !c.error)).toBe(true);
  });

  it('without force, one refused invitee fails the call for everyone, named in `errors`', async () => {
    await expect(
      client.conversations.invite({ channel: 'C0INC', users: 'U0JOSH,U0NOBODY,U0JANE' }),
    ).rejects.toMatchObject({
      data: {
        ok: false,
        error: 'user_not_found',
        errors: [{ ok: false, error: 'user_not_found', user: 'U0NOBODY' }],
      },
    });
    expect(members()).toEqual([]);
  });

  it('with force, the valid invitees join and the refused ones are still named', async () => {
    slack.state.addChannel('C0INC', 'inc-test', ['U0JOSH']);
    await expect(
      client.conversations.invite({
        channel: 'C0INC',
        users: `U0JOSH,U0NOBODY,${BOT},U0JANE`,
        force: true,
      }),
    ).rejects.toMatchObject({
      data: {
        errors: [
          { ok: false, error: 'already_in_channel', user: 'U0JOSH' },
          { ok: false, error: 'user_not_found', user: 'U0NOBODY' },
          { ok: false, error: 'cant_invite_self', user: BOT },
        ],
      },
    });
    expect(members().sort()).toEqual(['U0JANE', 'U0JOSH']);
  });

  it('people already there, the bot itself and one unknown id do not stop the others', async () => {
    slack.state.addChannel('C0INC', 'inc-test', ['U0JOSH']);
    await incidentSlack(client).invite('C0INC', ['U0JOSH', BOT, 'U0NOBODY', 'U0JANE', 'U0ALICE']);
    expect(members().sort()).toEqual(['U0ALICE', 'U0JANE', 'U0JOSH']);
  });

  it('a guest Slack will not invite is left out and everyone else is invited', async () => {
    slack.state.inviteRefusals.set('U0ALICE', 'user_is_restricted');
    try {
      await incidentSlack(client).invite('C0INC', ['U0ALICE', 'U0JANE']);
      expect(members()).toEqual(['U0JANE']);
    } finally {
      slack.state.inviteRefusals.clear();
    }
  });

  it('returns whom Slack refused, and the incident port logs them', async () => {
    slack.state.addChannel('C0INC', 'inc-test', ['U0JOSH']);
    expect(await inviteUsers(client, 'C0INC', ['U0JOSH', 'U0NOBODY', 'U0JANE'])).toEqual([
      { user: 'U0NOBODY', error: 'user_not_found' },
    ]);
    const { log, lines } = capturedLog('info');
    await incidentSlack(client, log).invite('C0INC', ['U0GHOST', 'U0ALICE']);
    expect(lines).toMatchObject([
      {
        level: 40,
        channel: 'C0INC',
        count: 1,
        refused: [{ user: 'U0GHOST', error: 'user_not_found' }],
      },
    ]);
    expect(members().sort()).toEqual(['U0ALICE', 'U0JANE', 'U0JOSH']);
  });

  it('a channel Slack cannot find still fails the invite', async () => {
    await expect(incidentSlack(client).invite('C0GONE', ['U0JANE'])).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
  });
});

/** Errors shaped as WebClient rejects them. */
const platformError = (data: Record<string, unknown>) =>
  Object.assign(new Error(`An API error occurred: ${data.error}`), {
    code: ErrorCode.PlatformError,
    data: { ok: false, ...data },
  });

/**
 * Answers the docs leave open, on a fake client: a `force` call Slack answers `ok: true` with the
 * refused in `errors`, a per-user error naming nobody, and errors about the call itself.
 */
describe('inviteUsers, on answers the emulator does not give', () => {
  function fakeSlack(refuse: Record<string, string>, answer: 'ok-with-errors' | 'unnamed') {
    const members = new Set<string>();
    const calls: string[][] = [];
    const client = {
      conversations: {
        invite: async ({ users }: { users: string }) => {
          const list = users.split(',');
          calls.push(list);
          const errors = list.flatMap((user) =>
            refuse[user] ? [{ ok: false, error: refuse[user], user }] : [],
          );
          if (answer === 'unnamed' && errors.length)
            throw platformError({ error: errors[0]!.error });
          for (const u of list) if (!refuse[u]) members.add(u);
          return { ok: true, ...(errors.length ? { errors } : {}) };
        },
      },
    } as unknown as Inviter;
    return { client, members, calls };
  }

  it('ok with an `errors` list: the refused are returned, nobody is asked twice', async () => {
    const slack = fakeSlack({ U0GUEST: 'user_is_restricted' }, 'ok-with-errors');
    expect(await inviteUsers(slack.client, 'C1', ['U0A', 'U0GUEST', 'U0B'])).toEqual([
      { user: 'U0GUEST', error: 'user_is_restricted' },
    ]);
    expect([...slack.members]).toEqual(['U0A', 'U0B']);
    expect(slack.calls).toHaveLength(1);
  });

  it('a per-user error naming nobody: the batch is halved until the refused one is found', async () => {
    const users = Array.from({ length: 9 }, (_, i) => `U0P${i}`);
    const slack = fakeSlack({ U0P6: 'cant_invite' }, 'unnamed');
    expect(await inviteUsers(slack.client, 'C1', users)).toEqual([
      { user: 'U0P6', error: 'cant_invite' },
    ]);
    expect([...slack.members].sort()).toEqual(users.filter((u) => u !== 'U0P6'));
    expect(slack.calls.length).toBeLessThanOrEqual(8);
  });

  it('errors about the call, a 429 included, reject unchanged', async () => {
    for (const error of [
      platformError({ error: 'not_in_channel' }),
      platformError({ error: 'missing_scope', needed: 'channels:manage' }),
      Object.assign(new Error('rate limited'), {
        code: ErrorCode.RateLimitedError,
        retryAfter: 30,
      }),
    ]) {
      const client = {
        conversations: { invite: () => Promise.reject(error) },
      } as unknown as Inviter;
      await expect(inviteUsers(client, 'C1', ['U0A', 'U0B'])).rejects.toBe(error);
    }
  });
});
