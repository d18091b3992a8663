import type { Logger } from '../log.ts';
import { Outbox } from '../notify/outbox.ts';
import { outboxWriter } from '../notify/outbox-writer.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import { incidentSlack } from './incident-slack.ts';
import { createWebClient, webWriter } from './web-writer.ts';

/**
 * The process's one rate-aware way out to Slack for runs and incidents: the outbox, the writer
 * runs post and edit through (the rest of `writer`, ephemerals and uploads, as it is), and the
 * incidents' Slack port. Their posts and edits go on a client that rejects a 429 with
 * `retryAfter`, so the outbox pauses only the refused lane and retries the call itself.
 */
export function slackOutbox(options: {
  token: string;
  slackApiUrl: string;
  writer: SlackWriter;
  log: Logger;
  postIntervalMs?: number;
}) {
  const outbox = new Outbox({
    postIntervalMs: options.postIntervalMs,
    onError: (error) => options.log.warn({ err: (error as Error).message }, 'Slack call failed'),
  });
  const client = createWebClient(options.token, options.slackApiUrl, {
    rejectRateLimitedCalls: true,
  });
  const rejecting = webWriter(client);
  return {
    outbox,
    runWriter: outboxWriter(
      { ...options.writer, post: rejecting.post, update: rejecting.update },
      outbox,
    ),
    incidentSlack: incidentSlack(client, options.log),
  };
}
