import type { WebClient } from '@slack/web-api';
import { type AnchorReader, type AuditAnchor, parseAnchors } from '../audit/anchors.ts';

/** How many anchors `/ops audit verify` checks, newest first, and how far back it reads for them. */
const LATEST = 10;
const PAGE = 200;
const MAX_PAGES = 5;

/**
 * Reads the latest audit anchors back from the audit channel (conversations.history, needs
 * `channels:history` or `groups:history` and the bot in the channel). Only the bot's own messages
 * count: anyone else in the channel could post a line that looks like an anchor.
 */
export function slackAnchorReader(client: WebClient, channel: string): AnchorReader {
  let botUserId: string | undefined;
  return {
    channel,
    async latest(): Promise<AuditAnchor[]> {
      botUserId ??= String((await client.auth.test()).user_id);
      const found: AuditAnchor[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES && found.length < LATEST; page += 1) {
        const result = await client.conversations.history({
          channel,
          limit: PAGE,
          ...(cursor ? { cursor } : {}),
        });
        for (const message of result.messages ?? [])
          if (message.user === botUserId) found.push(...parseAnchors(message.text ?? ''));
        cursor = result.response_metadata?.next_cursor || undefined;
        if (!result.has_more || !cursor) break;
      }
      return found.sort((a, b) => b.seq - a.seq).slice(0, LATEST);
    },
  };
}
