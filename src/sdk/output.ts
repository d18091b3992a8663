/**
 * Inline output elements: a mention, a channel, a link and a date inside a command's text. Commands
 * never write a platform's markup (`<@U…>`, `<!date^…>`); the renderer turns these into it, and
 * escapes every plain string.
 */

/** A person, by their Slack user id (`U…` or `W…`). */
export interface Mention {
  readonly type: 'mention';
  readonly user: string;
}

/** A channel, by its id (`C…`, `G…`). */
export interface ChannelRef {
  readonly type: 'channel';
  readonly id: string;
}

/** A link; only http(s) URLs become links, anything else shows as its label. */
export interface Link {
  readonly type: 'link';
  readonly url: string;
  readonly label: string;
}

/** A point in time, shown in the reader's time zone where the platform can; UTC otherwise. */
export interface DateRef {
  readonly type: 'date';
  /** Milliseconds since the epoch (`Date.now()`). */
  readonly ts: number;
}

export type InlineElement = Mention | ChannelRef | Link | DateRef;

/** Text with inline elements: a plain string, or plain strings and elements in reading order. */
export type RichText = string | readonly (string | InlineElement)[];

export const mention = (user: string): Mention => ({ type: 'mention', user });
export const channel = (id: string): ChannelRef => ({ type: 'channel', id });
export const link = (url: string, label: string): Link => ({ type: 'link', url, label });
export const date = (ts: number): DateRef => ({ type: 'date', ts });

/** `2026-11-23 11:00 UTC`: a date as readable text, in UTC. */
export function utcText(ts: number): string {
  const at = new Date(ts);
  if (Number.isNaN(at.getTime())) return 'an unknown time';
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One element as readable plain text: `@U0ALICE`, `#C0OPS`, `label (url)`, `2026-11-23 11:00 UTC`. */
export function elementText(element: InlineElement): string {
  switch (element.type) {
    case 'mention':
      return `@${element.user}`;
    case 'channel':
      return `#${element.id}`;
    case 'link':
      return `${element.label} (${element.url})`;
    case 'date':
      return utcText(element.ts);
  }
}

/** Rich text as readable plain text (logs, audit, places without markup). */
export function plainText(text: RichText): string {
  return typeof text === 'string'
    ? text
    : text.map((part) => (typeof part === 'string' ? part : elementText(part))).join('');
}
