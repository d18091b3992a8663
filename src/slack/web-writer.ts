import { type KnownBlock, LogLevel, WebClient, WebClientEvent } from '@slack/web-api';
import { metrics } from '../metrics/metrics.ts';
import type { MessageContent } from '../notify/message-content.ts';
import { refusalOf } from '../notify/retry-after.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import { timedSlackFetch, uploadBytes } from './http-fetch.ts';

/** How long one Web API call may go unanswered before it is abandoned (and retried). */
const CALL_TIMEOUT_MS = 10_000;

/**
 * A WebClient tuned for an interactive bot: a request timeout (the default has none; it is kept by
 * the fetch, `timedSlackFetch`, not by the WebClient's `timeout`), a bounded retry policy, 429s
 * retried after `Retry-After` rather than rejected, and calls sent on kept-alive connections
 * without Node's `fetch`.
 */
export function createWebClient(
  token: string,
  slackApiUrl: string,
  options: { rejectRateLimitedCalls?: boolean } = {},
) {
  const client = new CountedWebClient(token, {
    slackApiUrl,
    fetch: timedSlackFetch(CALL_TIMEOUT_MS),
    timeout: 0,
    rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? false,
    retryConfig: { retries: 8, factor: 1.6, minTimeout: 200, maxTimeout: 10_000, randomize: true },
    logLevel: LogLevel.ERROR,
  });
  client.on(WebClientEvent.RATE_LIMITED, () => metrics.slackRateLimited.inc());
  return client;
}

/** A WebClient that counts every Web API call by method and result, for `/metrics`. */
class CountedWebClient extends WebClient {
  override async apiCall(method: string, options?: Record<string, unknown>) {
    try {
      const result = await super.apiCall(method, options);
      metrics.slackCalls.inc({ method, result: 'ok' });
      return result;
    } catch (error) {
      metrics.slackCalls.inc({ method, result: 'error' });
      throw error;
    }
  }
}

/**
 * A message's blocks as the JSON text the Web API is sent. WebClient JSON-encodes an array itself,
 * but first copies it key by key (matching each key against token patterns) and encodes the copy
 * for a debug line it then drops; a string goes out as it is. The bytes sent are the same.
 */
const encoded = (blocks: MessageContent['blocks']) =>
  JSON.stringify(blocks) as unknown as KnownBlock[];

/** What `chat.postEphemeral` answers where the bot cannot show the person anything. */
const NOT_THERE = new Set(['channel_not_found', 'not_in_channel', 'user_not_in_channel']);

export function webWriter(client: WebClient): SlackWriter {
  const writer: SlackWriter = {
    async permalink(channel, ts) {
      const result = await client.chat.getPermalink({ channel, message_ts: ts });
      return result.permalink;
    },
    async post(channel, content, threadTs) {
      const result = await client.chat.postMessage({
        channel,
        text: content.text,
        blocks: encoded(content.blocks),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
      });
      return { ts: String(result.ts) };
    },
    async update(channel, ts, content) {
      await client.chat.update({
        channel,
        ts,
        text: content.text,
        blocks: encoded(content.blocks),
      });
    },
    async ephemeral(channel, user, content, threadTs) {
      await client.chat.postEphemeral({
        channel,
        user,
        text: content.text,
        blocks: encoded(content.blocks),
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
    },
    async note(channel, user, content, threadTs) {
      try {
        await writer.ephemeral(channel, user, content, threadTs);
      } catch (error) {
        if (!NOT_THERE.has(refusalOf(error) ?? '')) throw error;
        // A user id as channel posts into the app's DM with them (its Messages tab).
        await writer.post(user, content);
      }
    },
    async upload(channel, file, threadTs) {
      // The three steps of filesUploadV2, with the bytes sent raw and never copied (uploadBytes).
      const bytes =
        typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content;
      const target = await client.files.getUploadURLExternal({
        filename: file.name,
        length: bytes.byteLength,
      });
      if (!target.upload_url || !target.file_id)
        throw new Error(`Slack gave no upload URL for ${file.name}`);
      await uploadBytes(target.upload_url, bytes, file.name);
      await client.files.completeUploadExternal({
        files: [{ id: target.file_id, title: file.title ?? file.name }],
        channel_id: channel,
        ...(file.comment ? { initial_comment: file.comment } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
    },
  };
  return writer;
}
