import type { WebClient } from '@slack/web-api';
import type { AuditLookups } from '../audit/enrich.ts';
import type { UsergroupLookup } from '../requests/groups.ts';

/** Display names and permalinks from the Slack Web API, for the audit ledger writer. */
export function slackLookups(client: WebClient): AuditLookups {
  return {
    async userName(userId) {
      const { user } = await client.users.info({ user: userId });
      return user?.profile?.display_name || user?.real_name || user?.name || undefined;
    },
    async permalink(channel, ts) {
      const { permalink } = await client.chat.getPermalink({ channel, message_ts: ts });
      return permalink;
    },
  };
}

/** Members of a Slack user group (`usergroups.users.list`), for approval and request policies. */
export function slackUsergroupMembers(client: WebClient): UsergroupLookup {
  return async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? [];
}
