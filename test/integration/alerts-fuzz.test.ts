import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertmanager } from '../../src/alerts/alertmanager.ts';
import { looksLikeCloudWatch, parseCloudWatchAlarm } from '../../src/alerts/cloudwatch.ts';
import { parseGenericWebhook, signWebhook } from '../../src/alerts/webhook.ts';
import {
  ALERT_ENV,
  ALERTMANAGER_TOKEN,
  alertsFile,
  sendAlertmanager,
  sendWebhook,
  WEBHOOK_SECRET,
  webhookBody,
} from '../helpers/alerts.ts';
import { allJobs, fuzzInBatches, jsonish } from '../helpers/fuzz.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';
import { type FakeSns, postSns, startFakeSns } from '../helpers/sns.ts';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ops-alerts';

/** A clear refusal: a 4xx status and a JSON body whose `reason` names the problem. */
async function expectClearRefusal(response: Response, what: unknown) {
  const text = await response.text();
  const context = `${response.status} ${text} for ${JSON.stringify(what).slice(0, 300)}`;
  expect(response.status, context).toBeGreaterThanOrEqual(400);
  expect(response.status, context).toBeLessThan(500);
  const body = JSON.parse(text) as { error?: string; reason?: string };
  expect(body.error, context).toMatch(/^[a-z_]+$/);
  expect(body.reason?.length ?? 0, context).toBeGreaterThan(5);
}

const throws = (parse: () => unknown) => {
  try {
    parse();
    return false;
  } catch {
    return true;
  }
};

/** A valid webhook body with one field replaced by something random, or random JSON. */
const webhookInput = fc
  .oneof(
    jsonish(['source', 'key', 'status', 'severity', 'summary', 'details', 'links']),
    fc
      .tuple(
        fc.constantFrom('source', 'key', 'status', 'summary', 'details', 'links'),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([field, value]) => ({ ...JSON.parse(webhookBody('fuzz')), [field]: value })),
  )
  .map((value) => JSON.stringify(value))
  .filter((body) => throws(() => parseGenericWebhook(JSON.parse(body))));

const alertmanagerInput = fc
  .oneof(
    jsonish(['version', 'status', 'receiver', 'alerts', 'commonLabels', 'groupKey']),
    fc
      .record({
        status: fc.constantFrom('firing', 'resolved', 'x'),
        alerts: fc.array(jsonish(['status', 'labels', 'annotations', 'fingerprint']), {
          minLength: 1,
          maxLength: 3,
        }),
      })
      .map((hook) => ({ version: '4', receiver: 'opsbot', groupKey: 'g', ...hook })),
  )
  .map((value) => JSON.stringify(value))
  .filter((body) => throws(() => parseAlertmanager(JSON.parse(body))));

/** Text that is not JSON at all, for every endpoint. */
const notJson = fc.string({ maxLength: 60 }).filter((s) => throws(() => JSON.parse(s)));

describe('the alert endpoints under 10,000 random inputs each', { timeout: 240_000 }, () => {
  let h: Harness;
  let sns: FakeSns;
  let incidentJobs: number;
  let runJobs: number;

  beforeAll(async () => {
    sns = await startFakeSns();
    h = await startHarness({
      file: alertsFile({ sns: { allowed_topic_arns: [TOPIC] } }),
      env: ALERT_ENV,
      alerts: {
        sns: { trustHost: (host) => host === '127.0.0.1', ca: sns.ca },
        postIntervalMs: 50,
      },
    });
    incidentJobs = await allJobs(h.bot.alerts.queue);
    runJobs = await h.jobCount();
  });
  afterAll(async () => {
    // Nothing was queued and no incident was opened from any of the invalid inputs.
    expect(await allJobs(h.bot.alerts.queue)).toBe(incidentJobs);
    expect(await h.jobCount()).toBe(runJobs);
    expect(await h.redis.zcard(`${h.prefix}:incidents:open`)).toBe(0);
    // The bot still answers, and still takes a valid alert.
    expect((await fetch(`${h.baseUrl}/health`)).status).toBe(200);
    expect((await sendWebhook(h, webhookBody('after-fuzz'))).status).toBe(202);
    await h?.stop();
    await sns?.stop();
  });

  it('POST /alerts/webhook: signed invalid bodies get 400, forged or unsigned ones 401', async () => {
    await fuzzInBatches(
      fc.oneof(
        { weight: 6, arbitrary: webhookInput.map((body) => ({ body, sign: true })) },
        { weight: 1, arbitrary: notJson.map((body) => ({ body, sign: true })) },
        { weight: 1, arbitrary: webhookInput.map((body) => ({ body, sign: false })) },
      ),
      async ({ body, sign }) => {
        const headers = sign
          ? signWebhook(WEBHOOK_SECRET, body)
          : signWebhook('forged-secret-0123456789', body);
        const response = await sendWebhook(h, body, headers);
        if (!sign) expect(response.status).toBe(401);
        await expectClearRefusal(response, body);
      },
    );
  });

  it('POST /alerts/alertmanager: invalid bodies with the right token get 400, a wrong token 401', async () => {
    await fuzzInBatches(
      fc.oneof(
        {
          weight: 6,
          arbitrary: alertmanagerInput.map((body) => ({ body, token: ALERTMANAGER_TOKEN })),
        },
        { weight: 1, arbitrary: notJson.map((body) => ({ body, token: ALERTMANAGER_TOKEN })) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(alertmanagerInput, fc.string({ maxLength: 40 }))
            .map(([body, token]) => ({ body, token: `x${token}` })),
        },
      ),
      async ({ body, token }) => {
        const response = await sendAlertmanager(h, body, token);
        if (token !== ALERTMANAGER_TOKEN) expect(response.status).toBe(401);
        await expectClearRefusal(response, body);
      },
    );
  });

  it('POST /alerts/sns: signed messages that are not alarms get 400, forged ones 401', async () => {
    const message = fc
      .oneof(
        fc.string({ maxLength: 60 }),
        jsonish(['AlarmName', 'NewStateValue', 'Trigger', 'AlarmArn', 'StateChangeTime']).map(
          (value) => JSON.stringify(value),
        ),
      )
      .filter((text) => !looksLikeCloudWatch(text) || throws(() => parseCloudWatchAlarm(text)));
    await fuzzInBatches(
      fc.oneof(
        {
          weight: 6,
          arbitrary: message.map((text) => ({
            message: sns.resign({ ...sns.notification(TOPIC, '{}'), Message: text }),
            forged: false,
          })),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(message, fc.string({ minLength: 1, maxLength: 20 }))
            .map(([text, junk]) => ({
              message: {
                ...sns.notification(TOPIC, text),
                Signature: Buffer.from(junk).toString('base64'),
              },
              forged: true,
            })),
        },
        {
          weight: 1,
          arbitrary: jsonish(['Type', 'MessageId', 'TopicArn', 'Message', 'Signature']).map(
            (value) => ({
              message: { ...(value as object) } as Record<string, unknown>,
              forged: false,
            }),
          ),
        },
      ),
      async ({ message, forged }) => {
        const response =
          typeof message.Type === 'string'
            ? await postSns(h.baseUrl, message)
            : await fetch(`${h.baseUrl}/alerts/sns`, {
                method: 'POST',
                headers: { 'content-type': 'text/plain; charset=UTF-8' },
                body: JSON.stringify(message),
              });
        if (forged) expect(response.status).toBe(401);
        await expectClearRefusal(response, message);
      },
    );
  });
});
