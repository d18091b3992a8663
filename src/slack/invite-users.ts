import { type ConversationsInviteResponse, ErrorCode, type WebClient } from '@slack/web-api';
import type { InviteRefusal } from '../incidents/notices.ts';

/**
 * conversations.invite "invites 1-1000 users" a call (docs.slack.dev/reference/methods/
 * conversations.invite); a longer `users` list is refused whole with `too_many_users`.
 */
export const INVITE_BATCH = 1000;

/** Per-invitee answers that mean the person is in the channel already (the bot made it). */
const ALREADY_THERE = new Set(['already_in_channel', 'cant_invite_self']);

/**
 * Errors conversations.invite gives about an invitee rather than the call. Slack names the
 * invitee in the answer's `errors` (`{ ok: false, error, user }`); where it names nobody, the
 * batch is split in two and each half asked again. `too_many_users` splits a batch the same way.
 */
const ABOUT_INVITEES = new Set([
  ...ALREADY_THERE,
  'cant_invite',
  'user_not_found',
  'user_is_bot',
  'user_is_restricted',
  'user_is_ultra_restricted',
  'ura_max_channels',
  'too_many_users',
]);

export type Inviter = { conversations: Pick<WebClient['conversations'], 'invite'> };

/** What one call answered: the invitees it named (refused or there already), and its error. */
type Answer = { named: InviteRefusal[]; error?: string };

/**
 * Invites `users` into `channel` in batches of at most 1000, each with `force: true` ("continue
 * inviting the valid ones while disregarding invalid IDs"), and returns whom Slack refused. Being
 * there already is no refusal, and one refused invitee never keeps the others out: Slack answers
 * a partly refused call with `ok: false`, and without `force` invites nobody then, so the rest of
 * the batch is asked again. An error about the call itself (channel_not_found, not_in_channel,
 * missing_scope, a 429 with `retryAfter`) rejects as it came.
 */
export async function inviteUsers(
  client: Inviter,
  channel: string,
  users: string[],
): Promise<InviteRefusal[]> {
  const unique = [...new Set(users.filter(Boolean))];
  const refused: InviteRefusal[] = [];
  for (let i = 0; i < unique.length; i += INVITE_BATCH)
    refused.push(...(await inviteBatch(client, channel, unique.slice(i, i + INVITE_BATCH))));
  return refused;
}

async function inviteBatch(
  client: Inviter,
  channel: string,
  batch: string[],
): Promise<InviteRefusal[]> {
  const answer = await ask(client, channel, batch);
  const named = answer.named.filter((r) => batch.includes(r.user));
  const refused = named.filter((r) => !ALREADY_THERE.has(r.error));
  if (!answer.error) return refused;
  if (named.length === 0) {
    if (batch.length === 1)
      return ALREADY_THERE.has(answer.error) ? [] : [{ user: batch[0]!, error: answer.error }];
    const half = Math.ceil(batch.length / 2);
    return [
      ...(await inviteBatch(client, channel, batch.slice(0, half))),
      ...(await inviteBatch(client, channel, batch.slice(half))),
    ];
  }
  const answered = new Set(named.map((r) => r.user));
  const rest = batch.filter((u) => !answered.has(u));
  return rest.length ? [...refused, ...(await inviteBatch(client, channel, rest))] : refused;
}

/** One conversations.invite call; an error about the invitees comes back as an answer. */
async function ask(client: Inviter, channel: string, batch: string[]): Promise<Answer> {
  try {
    const result = await client.conversations.invite({
      channel,
      users: batch.join(','),
      force: true,
    });
    return { named: namedIn(result) };
  } catch (error) {
    const { code, data } = error as { code?: string; data?: ConversationsInviteResponse };
    if (code !== ErrorCode.PlatformError || !data?.error) throw error;
    const named = namedIn(data);
    if (named.length === 0 && !ABOUT_INVITEES.has(data.error)) throw error;
    return { named, error: data.error };
  }
}

const namedIn = (answer: ConversationsInviteResponse): InviteRefusal[] =>
  (answer.errors ?? []).flatMap((e) =>
    e.user && e.error ? [{ user: e.user, error: e.error }] : [],
  );
