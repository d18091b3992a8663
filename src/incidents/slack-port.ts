import type { SlackWriter } from '../notify/slack-writer.ts';
import type { InviteRefusal } from './notices.ts';

/**
 * The Slack calls incidents make. Rate-limited calls must reject with an error carrying
 * `retryAfter` (seconds, see `retryAfterOf` in src/notify) so the outbox can back off and retry
 * them itself.
 */
export interface IncidentSlack extends Pick<SlackWriter, 'post' | 'update' | 'ephemeral'> {
  createChannel(name: string): Promise<string>;
  /** The id of a channel named `name` the bot is in (it made it), not archived; else undefined. */
  ownChannel(name: string): Promise<string | undefined>;
  /** Resolves to whom Slack refused to invite; everyone else is in the channel. */
  invite(channel: string, users: string[]): Promise<InviteRefusal[]>;
  usergroupMembers(usergroup: string): Promise<string[]>;
}
