import { createHmac } from 'node:crypto';
import { slackFetch } from '../slack/http-fetch.ts';

/**
 * Sends requests to opsbot exactly as Slack does: form-encoded, `payload=` for interactivity, JSON
 * for events, with the v0 signature headers. Used by tests, benches and the local console.
 */
export class SignedSlackClient {
  constructor(
    private readonly baseUrl: string,
    private readonly signingSecret: string,
  ) {}

  sign(body: string, timestamp = Math.floor(Date.now() / 1000)) {
    const signature = `v0=${createHmac('sha256', this.signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
  }

  async send(
    body: string,
    contentType: string,
    options: { timestamp?: number; signature?: string; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = {
      'content-type': contentType,
      ...this.sign(body, options.timestamp),
      ...options.headers,
    };
    if (options.signature) headers['x-slack-signature'] = options.signature;
    // Kept-alive node:http, as opsbot's own Slack calls: a bench's load generator costs less.
    const response = await slackFetch(`${this.baseUrl}/slack/events`, {
      method: 'POST',
      headers,
      body,
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json: json as Record<string, unknown> | undefined };
  }

  /** A slash command. `trigger_id` identifies the submission; reuse it to imitate a retry. */
  command(text: string, user: { id: string; name?: string }, options: CommandOptions = {}) {
    return this.send(
      commandForm(text, user, options),
      'application/x-www-form-urlencoded',
      options,
    );
  }

  /** An interactivity payload (`block_actions`, `view_submission`, …) as `payload=<json>`. */
  interaction(
    payload: Record<string, unknown>,
    options: { timestamp?: number; signature?: string } = {},
  ) {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.send(body, 'application/x-www-form-urlencoded', options);
  }

  /** A button click on a message. */
  clickButton(
    actionId: string,
    value: string,
    user: { id: string; name?: string },
    message: { channel: string; ts: string; threadTs?: string },
  ) {
    return this.interaction({
      type: 'block_actions',
      team: { id: 'T0EMULATE', domain: 'emulated' },
      user: {
        id: user.id,
        username: user.name ?? user.id,
        name: user.name ?? user.id,
        team_id: 'T0EMULATE',
      },
      api_app_id: 'A0OPSBOT',
      token: 'deprecated-verification-token',
      container: {
        type: 'message',
        message_ts: message.ts,
        channel_id: message.channel,
        is_ephemeral: false,
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      },
      trigger_id: `${Date.now()}.${Math.floor(Math.random() * 1e12)}.emulated`,
      channel: { id: message.channel, name: 'ops' },
      message: {
        ts: message.ts,
        type: 'message',
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      },
      response_url: 'https://hooks.slack.com/actions/T0EMULATE/1/emulated',
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: 'actions',
          value,
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    });
  }

  /** An Events API callback. */
  event(event: Record<string, unknown>, eventId: string, options: { retryNum?: number } = {}) {
    const body = JSON.stringify({
      token: 'x',
      team_id: 'T0EMULATE',
      api_app_id: 'A0OPSBOT',
      event,
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
    });
    const headers: Record<string, string> = options.retryNum
      ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' }
      : {};
    return this.send(body, 'application/json', { headers });
  }
}

export interface CommandOptions {
  channel?: string;
  triggerId?: string;
  command?: string;
  responseUrl?: string;
  timestamp?: number;
  signature?: string;
  headers?: Record<string, string>;
}

/** The form-encoded body Slack posts for a slash command. */
export function commandForm(
  text: string,
  user: { id: string; name?: string },
  options: Omit<CommandOptions, 'timestamp' | 'signature' | 'headers'> = {},
): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0EMULATE',
    team_domain: 'emulated',
    channel_id: options.channel ?? 'C0OPS',
    channel_name: 'ops',
    user_id: user.id,
    user_name: user.name ?? user.id,
    command: options.command ?? '/ops',
    text,
    api_app_id: 'A0OPSBOT',
    response_url: options.responseUrl ?? 'https://hooks.slack.com/commands/T0EMULATE/1/emulated',
    trigger_id: options.triggerId ?? `${Date.now()}.${Math.floor(Math.random() * 1e12)}.emulated`,
  }).toString();
}
