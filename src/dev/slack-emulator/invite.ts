import type { WorkspaceState } from './state.ts';

type Answer = Record<string, unknown> & { ok: boolean; error?: string };

/** docs.slack.dev, conversations.invite: "invites 1-1000 users"; more is `too_many_users`. */
export const INVITE_MAX_USERS = 1000;

/**
 * conversations.invite as Slack answers it. Each invitee Slack refuses is named in `errors`
 * (`{ ok: false, error, user }`, the method's error schema), and the call answers with the first
 * of those as its `error`. Without `force` nobody is invited when one invitee fails; with
 * `force: true` and several users, the valid ones are invited "while disregarding invalid IDs".
 */
export function conversationsInvite(
  args: Record<string, unknown>,
  { state, botUserId }: { state: WorkspaceState; botUserId: string },
): Answer {
  const channel = state.channels.get(String(args.channel ?? ''));
  if (!channel) return fail('channel_not_found');
  const users = String(args.users ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (users.length === 0) return fail('no_user');
  if (users.length > INVITE_MAX_USERS) return fail('too_many_users');
  const refusal = (user: string) => {
    if (user === botUserId) return 'cant_invite_self';
    if (!state.users.has(user)) return 'user_not_found';
    if (channel.members.has(user)) return 'already_in_channel';
    return state.inviteRefusals.get(user);
  };
  const errors = users.flatMap((user) => {
    const error = refusal(user);
    return error ? [{ ok: false, error, user }] : [];
  });
  const force = (args.force === true || args.force === 'true') && users.length > 1;
  if (errors.length === 0 || force) {
    const refused = new Set(errors.map((e) => e.user));
    for (const user of users) if (!refused.has(user)) channel.members.add(user);
  }
  if (errors.length) return { ok: false, error: errors[0]!.error, errors };
  return { ok: true, channel: { id: channel.id, name: channel.name } };
}

const fail = (error: string): Answer => ({ ok: false, error });
