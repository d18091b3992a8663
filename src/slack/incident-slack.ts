import type { WebClient } from '@slack/web-api';
import type { IncidentSlack } from '../incidents/slack-port.ts';
import type { Logger } from '../log.ts';
import { inviteUsers } from './invite-users.ts';
import { webWriter } from './web-writer.ts';

/** How many refused invitees a log line lists (the count is always there). */
const LOGGED_REFUSALS = 20;

/**
 * Pages of the bot's own channels `ownChannel` reads at most (999 a page, users.conversations'
 * largest): past 20,000 unarchived channels of its own, it says it found none.
 */
const OWN_CHANNEL_PAGES = 20;

/**
 * The incident port on a WebClient made with `rejectRateLimitedCalls: true`: a 429 rejects with
 * `retryAfter`, and the incidents outbox waits and retries it (per channel for posts). Invites go
 * in batches Slack takes, and whom Slack refused (a guest, a deactivated id) is logged and returned,
 * not thrown: the channel is opened for everyone else.
 */
export function incidentSlack(client: WebClient, log?: Logger): IncidentSlack {
  const writer = webWriter(client);
  return {
    post: writer.post,
    update: writer.update,
    ephemeral: writer.ephemeral,
    async createChannel(name) {
      const result = await client.conversations.create({ name });
      return String(result.channel?.id);
    },
    async ownChannel(name) {
      // users.conversations lists the caller's channels only (Tier 3): a few pages for a bot,
      // where conversations.list (Tier 2) would page through every channel of the workspace.
      let cursor: string | undefined;
      for (let page = 0; page < OWN_CHANNEL_PAGES; page++) {
        const result = await client.users.conversations({
          types: 'public_channel',
          exclude_archived: true,
          limit: 999,
          ...(cursor ? { cursor } : {}),
        });
        const found = result.channels?.find((c) => c.name === name && !c.is_archived);
        if (found?.id) return found.id;
        cursor = result.response_metadata?.next_cursor;
        if (!cursor) return undefined;
      }
      return undefined;
    },
    async invite(channel, users) {
      const refused = await inviteUsers(client, channel, users);
      if (refused.length)
        log?.warn(
          { channel, count: refused.length, refused: refused.slice(0, LOGGED_REFUSALS) },
          'Slack did not invite some people into the channel',
        );
      return refused;
    },
    async usergroupMembers(usergroup) {
      const result = await client.usergroups.users.list({ usergroup });
      return (result.users ?? []) as string[];
    },
  };
}
