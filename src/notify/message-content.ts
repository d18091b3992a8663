/**
 * What a Slack message holds: the subset of Block Kit opsbot sends, the content type of the
 * `SlackWriter` port. Kept local (no @slack/* types) so block builders stay pure and testable;
 * src/slack/blocks builds it from neutral views.
 */
export interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: TextObject;
  value?: string;
  style?: 'primary' | 'danger';
  url?: string;
}

export type Block =
  | { type: 'header'; text: TextObject; block_id?: string }
  | { type: 'section'; text?: TextObject; fields?: TextObject[]; block_id?: string }
  | { type: 'context'; elements: TextObject[]; block_id?: string }
  | { type: 'divider'; block_id?: string }
  | { type: 'actions'; elements: ButtonElement[]; block_id?: string };

export interface MessageContent {
  text: string;
  blocks: Block[];
  /**
   * Part of what was rendered did not fit in one Slack message and was left out (the blocks end
   * with a line that says so). Not sent to Slack.
   */
  cut?: boolean;
}

export const mrkdwn = (text: string): TextObject => ({ type: 'mrkdwn', text });
export const plain = (text: string): TextObject => ({ type: 'plain_text', text, emoji: true });

/** A plain sentence as a message (one section, clipped to Slack's 3000 characters). */
export function simple(text: string): MessageContent {
  return { text, blocks: [{ type: 'section', text: mrkdwn(text.slice(0, 3000)) }] };
}
