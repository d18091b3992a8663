import type { Outbox } from './outbox.ts';
import type { SlackWriter } from './slack-writer.ts';

/**
 * A run's SlackWriter: its posts, uploads and edits go through the process's outbox at once
 * (`postNow`, `updateNow`), spending the channel's and the `chat.update` budget that incidents
 * spend too, and wait only in a lane Slack has answered with 429. `writer` should reject a 429
 * with `retryAfter` (a WebClient made with `rejectRateLimitedCalls: true`), so the outbox retries
 * it after the pause. Ephemerals and permalinks do not go through the outbox.
 */
export function outboxWriter(writer: SlackWriter, outbox: Outbox): SlackWriter {
  return {
    ...writer,
    post: (channel, content, threadTs) =>
      outbox.postNow(channel, () => writer.post(channel, content, threadTs)),
    update: (channel, ts, content) => outbox.updateNow(() => writer.update(channel, ts, content)),
    upload: (channel, file, threadTs) =>
      outbox.postNow(channel, () => writer.upload(channel, file, threadTs)),
  };
}
