import type { SlackWriter } from '../notify/slack-writer.ts';

/**
 * The Slack calls incidents make. Rate-limited calls must reject with an error carrying
 * `retryAfter` (seconds) so the outbox can back off and retry them itself.
 */
export interface IncidentSlack extends Pick<SlackWriter, 'post' | 'update' | 'ephemeral'> {
  createChannel(name: string): Promise<string>;
  invite(channel: string, users: string[]): Promise<void>;
  usergroupMembers(usergroup: string): Promise<string[]>;
}

/** Seconds to wait when `error` is a rate-limit answer (429), else undefined. */
export function retryAfterOf(error: unknown): number | undefined {
  const value = (error as { retryAfter?: unknown } | undefined)?.retryAfter;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}
