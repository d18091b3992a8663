import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

/**
 * The Bolt app the floors are built on: opsbot's receiver (HTTPReceiver, signed requests on
 * `/slack/events`, `/health` for the bench to wait on) and nothing else. The caller adds its
 * listeners and starts `receiver`.
 */
export function bareBoltApp(botToken: string) {
  const receiver = new HTTPReceiver({
    signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
    endpoints: '/slack/events',
    customRoutes: [
      { path: '/health', method: 'GET', handler: (_req, res) => res.writeHead(200).end('ok') },
    ],
  });
  const app = new App({
    receiver,
    authorize: async () => ({ botToken }),
    logLevel: LogLevel.ERROR,
  });
  return { app, receiver };
}
