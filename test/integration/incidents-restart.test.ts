import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/env.ts';
import { createLogger } from '../../src/log.ts';
import { type Opsbot, startOpsbot } from '../../src/roles/start.ts';
import {
  ALERT_ENV,
  alertsFile,
  parentsIn,
  sendWebhook,
  threadOf,
  webhookBody,
} from '../helpers/alerts.ts';
import {
  BOT_TOKEN,
  type Harness,
  messageText,
  REDIS_URL,
  SIGNING_SECRET,
  startHarness,
  waitFor,
} from '../helpers/harness.ts';

/** A second opsbot process on the same Redis prefix and Slack workspace: the first one restarted. */
async function restart(h: Harness): Promise<Harness> {
  await h.bot.stop();
  const env = envSchema.parse({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: h.slack.url,
    REDIS_URL,
    OPSBOT_PREFIX: h.prefix,
    LOG_LEVEL: 'silent',
    ...ALERT_ENV,
  });
  const bot: Opsbot = await startOpsbot({
    config: { env, file: alertsFile() },
    role: 'all',
    log: createLogger('silent'),
    port: 0,
    host: '127.0.0.1',
    alerts: { postIntervalMs: 50 },
  });
  return { ...h, bot, baseUrl: `http://127.0.0.1:${bot.port}` };
}

describe('incidents across a restart', () => {
  let h: Harness;
  let restarted: Harness | undefined;

  beforeEach(async () => {
    h = await startHarness({ file: alertsFile(), env: ALERT_ENV, alerts: { postIntervalMs: 50 } });
    restarted = undefined;
  });
  afterEach(async () => {
    await restarted?.bot.stop();
    await h.stop();
  });

  const parentsFor = (x: Harness, key: string) =>
    parentsIn(x).filter((m) => m.text.includes(`Check ${key} failing`));

  it('keeps counting on the same parent and resolves the same thread after a restart', async () => {
    await Promise.all([1, 2, 3].map(() => sendWebhook(h, webhookBody('survivor'))));
    const parent = await waitFor('the parent at 3', async () => {
      const p = parentsFor(h, 'survivor')[0];
      return p && messageText(p).includes('*Firing count*\\n3') ? p : undefined;
    });
    restarted = await restart(h);
    expect((await sendWebhook(restarted, webhookBody('survivor'))).status).toBe(202);
    await waitFor('the count on the old parent', () =>
      messageText(parent).includes('*Firing count*\\n4'),
    );
    await sendWebhook(restarted, webhookBody('survivor', 'resolved'));
    await waitFor('the old parent resolved', () => parent.text.includes('Resolved'));
    await waitFor('the recovery reply in the old thread', () =>
      threadOf(h, parent.ts).some((m) => m.text.includes('Resolved')),
    );
    expect(parentsFor(h, 'survivor')).toHaveLength(1);
  });

  it('posts a parent that Slack throttled before the restart, with every firing counted', async () => {
    h.slack.failNext('chat.postMessage', 1, 30);
    await sendWebhook(h, webhookBody('throttled'));
    await sendWebhook(h, webhookBody('throttled'));
    await waitFor('both firings counted', async () =>
      (await h.bot.alerts.store.listOpen()).find((i) => i.count === 2),
    );
    expect(parentsFor(h, 'throttled')).toHaveLength(0);
    restarted = await restart(h);
    const parent = await waitFor(
      'the parent posted by the new process',
      () => parentsFor(h, 'throttled')[0],
    );
    await waitFor('the count of both firings', () =>
      messageText(parent).includes('*Firing count*\\n2'),
    );
    await restarted.bot.alerts.outbox.idle();
    expect(parentsFor(h, 'throttled')).toHaveLength(1);
    const throttled = h.slack.state.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.status === 429,
    );
    expect(throttled).toHaveLength(1);
  });
});
