// The floor of the whole run path, for bench:e2e: the smallest app of the same shape as a no-op
// run, with none of opsbot's work. A Bolt app on the same receiver takes the signed slash command,
// acks it and then adds a BullMQ job (opsbot acks, then writes the submission); a BullMQ worker
// of opsbot's concurrency (8) takes the job and makes the two Slack calls a run makes (the run
// message, then the result reply in its thread) through @slack/web-api's WebClient on opsbot's own
// transport (`slackFetch`: node:http, kept alive; Node's fetch would cost this app more CPU than
// opsbot spends on the same calls). No policy, no audit, no checkpoints, no progress, no limits, no
// exactly-once bookkeeping.
import { WebClient } from '@slack/web-api';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { requestIdFor } from '../src/requests/request.ts';
import { slackFetch } from '../src/slack/http-fetch.ts';
import { bareBoltApp } from './lib/bare-bolt.ts';

const port = Number(process.env.PORT ?? 3105);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.OPSBOT_PREFIX ?? `benchpipeline${process.pid}`;
const slack = new WebClient(process.env.SLACK_BOT_TOKEN, {
  slackApiUrl: process.env.SLACK_API_URL,
  fetch: slackFetch,
  timeout: 10_000,
});

const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue('runs', { connection, prefix });
const worker = new Worker<{ channel: string; requestId: string }>(
  'runs',
  async (job) => {
    const { channel, requestId } = job.data;
    const posted = await slack.chat.postMessage({
      channel,
      text: 'ping',
      blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: `request ${requestId}` }] }],
    });
    await slack.chat.postMessage({ channel, thread_ts: posted.ts, text: 'ping done' });
  },
  {
    connection: new Redis(redisUrl, { maxRetriesPerRequest: null }),
    prefix,
    concurrency: 8,
  },
);
await worker.waitUntilReady();

const { app, receiver } = bareBoltApp(process.env.SLACK_BOT_TOKEN ?? '');
app.command(/^\/ops$/, async ({ ack, body }) => {
  await ack();
  const requestId = requestIdFor(body.trigger_id);
  await queue.add(
    'ping',
    { channel: body.channel_id, requestId },
    { jobId: requestId, removeOnComplete: true },
  );
});
await receiver.start(port);

// Its keys are deleted by bench:e2e (dropKeys on its prefix) once it has stopped.
process.once('SIGTERM', async () => {
  await receiver.stop();
  await worker.close();
  await queue.close();
  connection.disconnect();
  process.exit(0);
});
