import type { WebClient } from '@slack/web-api';
import type { IncidentSlack } from '../incidents/slack-port.ts';
import { webWriter } from './web-writer.ts';

/**
 * The incident port on a WebClient made with `rejectRateLimitedCalls: true`: a 429 rejects with
 * `retryAfter`, and the incidents outbox waits and retries it (per channel for posts).
 */
export function incidentSlack(client: WebClient): IncidentSlack {
  const writer = webWriter(client);
  return {
    post: writer.post,
    update: writer.update,
    ephemeral: writer.ephemeral,
    async createChannel(name) {
      const result = await client.conversations.create({ name });
      return String(result.channel?.id);
    },
    async invite(channel, users) {
      await client.conversations.invite({ channel, users: users.join(',') });
    },
    async usergroupMembers(usergroup) {
      const result = await client.usergroups.users.list({ usergroup });
      return (result.users ?? []) as string[];
    },
  };
}
