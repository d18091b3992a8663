// The floor for the ack bench: a minimal Bolt app on the same receiver that only acks `/ops`.
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const port = Number(process.env.PORT ?? 3100);
const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  endpoints: '/slack/events',
  customRoutes: [
    { path: '/health', method: 'GET', handler: (_req, res) => res.writeHead(200).end('ok') },
  ],
});
const app = new App({
  receiver,
  authorize: async () => ({ botToken: 'xoxb-floor' }),
  logLevel: LogLevel.ERROR,
});
app.command(/^\/ops$/, async ({ ack }) => {
  await ack();
});
await receiver.start(port);
