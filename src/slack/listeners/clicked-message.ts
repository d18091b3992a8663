import type { BlockAction } from '@slack/bolt';

/** The channel a click came from (its message's channel), if Slack said. */
export const clickChannel = (body: BlockAction): string | undefined =>
  body.channel?.id ?? body.container?.channel_id;

/**
 * The message a button was clicked on: its channel, its ts and, for a reply, its thread. A click
 * can arrive before the bot has stored where it posted that message, so handlers take it from
 * here when their own record does not say yet.
 */
export function clickedMessage(
  body: BlockAction,
): { channel: string; ts: string; threadTs?: string } | undefined {
  const channel = clickChannel(body);
  const ts = body.container?.message_ts ?? body.message?.ts;
  if (!channel || !ts) return undefined;
  const threadTs = body.container?.thread_ts;
  return { channel, ts, ...(threadTs ? { threadTs } : {}) };
}
