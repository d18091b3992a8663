import { simple } from './message-content.ts';
import type { SlackWriter } from './slack-writer.ts';

/** Posts an audit head anchor (a line of text the ledger wrote) to the audit channel. */
export function anchorPoster(slack: Pick<SlackWriter, 'post'>) {
  return async (channel: string, text: string): Promise<void> => {
    await slack.post(channel, simple(text));
  };
}
