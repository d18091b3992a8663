import type { Logger } from '../log.ts';
import { boltForHttp, boltForSocketMode } from './bolt-loader.ts';
import { SlackRoutes } from './listeners/routes.ts';

export interface SlackAppOptions {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  slackApiUrl: string;
  log: Logger;
}

/** Socket Mode with an app token, else HTTP; the HTTP path loads no Socket Mode code. */
function createReceiver(options: SlackAppOptions) {
  if (options.appToken) {
    const { SocketModeReceiver, LogLevel } = boltForSocketMode();
    return new SocketModeReceiver({ appToken: options.appToken, logLevel: LogLevel.WARN });
  }
  const { HTTPReceiver, LogLevel } = boltForHttp();
  return new HTTPReceiver({
    signingSecret: options.signingSecret ?? '',
    endpoints: '/slack/events',
    processBeforeResponse: false,
    unhandledRequestTimeoutMillis: 2500,
    logLevel: LogLevel.WARN,
  });
}

/**
 * The Bolt app. In HTTP mode its receiver is mounted on opsbot's own server at `/slack/events`;
 * with an app token it uses Socket Mode. Authorisation needs no I/O, so the ack path never waits.
 */
export function createSlackApp(options: SlackAppOptions) {
  const receiver = createReceiver(options);
  const { App, LogLevel } = options.appToken ? boltForSocketMode() : boltForHttp();
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: options.botToken }),
    // opsbot keeps no per-conversation state in Bolt; its store would reject (and build an Error
    // with a stack trace) on every request.
    convoStore: false,
    clientOptions: { slackApiUrl: options.slackApiUrl, timeout: 10_000 },
    logLevel: LogLevel.WARN,
  });
  app.error(async (error) => {
    options.log.error(
      { err: error.message, code: (error as { code?: string }).code },
      'slack listener failed',
    );
  });
  return { app, receiver, routes: new SlackRoutes(app) };
}
