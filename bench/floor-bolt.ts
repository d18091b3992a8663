// The floor for the ack bench: a minimal Bolt app on the same receiver that only acks `/ops`.
import { bareBoltApp } from './lib/bare-bolt.ts';

const port = Number(process.env.PORT ?? 3100);
const { app, receiver } = bareBoltApp('xoxb-floor');
app.command(/^\/ops$/, async ({ ack }) => {
  await ack();
});
await receiver.start(port);
