import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnsVerifier } from '../../src/alerts/sns.ts';
import { type Harness, messageText, startHarness, waitFor } from '../helpers/harness.ts';
import { type FakeSns, postSns, startFakeSns } from '../helpers/sns.ts';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ops-alerts';
const OTHER_TOPIC = 'arn:aws:sns:us-east-1:999999999999:someone-else';
const alarm = (name: string, state = 'ALARM') => {
  const message = JSON.parse(
    readFileSync('test/fixtures/cloudwatch-alarm-single-metric.message.json', 'utf8'),
  );
  return JSON.stringify({
    ...message,
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
    NewStateValue: state,
  });
};

describe('POST /alerts/sns', () => {
  let sns: FakeSns;
  let h: Harness;

  beforeAll(async () => {
    sns = await startFakeSns();
    h = await startHarness({
      alerts: {
        sns: { trustHost: (host) => host === '127.0.0.1', ca: sns.ca },
        postIntervalMs: 50,
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await sns?.stop();
  });

  const parents = () => h.slack.state.channelMessages('C0INCIDENTS').filter((m) => !m.thread_ts);
  const parentFor = (name: string) => parents().find((m) => m.text.includes(name));

  it('accepts a SignatureVersion 1 (SHA1withRSA) notification and opens an incident', async () => {
    const response = await postSns(h.baseUrl, sns.notification(TOPIC, alarm('sns-v1-alarm'), '1'));
    expect(response.status).toBe(202);
    const parent = await waitFor('the incident parent', () => parentFor('sns-v1-alarm'));
    const text = messageText(parent);
    expect(text).toContain('INSUFFICIENT_DATA → ALARM');
    expect(text).toContain('AWS/EC2 NetworkOut');
    expect(text).toContain('InstanceId=TestInstance');
  });

  it('accepts SignatureVersion 2 (SHA256withRSA) and dedupes a retry with the same MessageId', async () => {
    const message = sns.notification(TOPIC, alarm('sns-v2-alarm'), '2');
    const [first, retry] = await Promise.all([
      postSns(h.baseUrl, message),
      postSns(h.baseUrl, message),
    ]);
    expect([first.status, retry.status]).toEqual([202, 202]);
    await postSns(h.baseUrl, message);
    const parent = await waitFor('the incident parent', () => parentFor('sns-v2-alarm'));
    await h.bot.alerts.outbox.idle();
    const incidents = await h.bot.alerts.store.listOpen();
    expect(incidents.find((i) => i.alert.title === 'sns-v2-alarm')?.count).toBe(1);
    expect(messageText(parent)).toContain('*Firing count*\\n1');
  });

  it('refuses a certificate from a host that is not SNS (401, no incident)', async () => {
    const message = sns.resign({
      ...sns.notification(TOPIC, alarm('evil-host')),
      SigningCertURL: 'https://sns.evil.example.com/cert.pem',
    });
    const response = await postSns(h.baseUrl, message);
    expect(response.status).toBe(401);
    expect((await response.json()).reason).toMatch(/not an SNS host/);
  });

  it('refuses a tampered message (401, no incident)', async () => {
    const message = sns.notification(TOPIC, alarm('tampered-alarm'));
    const response = await postSns(h.baseUrl, {
      ...message,
      Message: message.Message.replace('ALARM', 'OK'),
    });
    expect(response.status).toBe(401);
    expect((await response.json()).reason).toMatch(/signature does not match/);
    // A topic off the allow-list is refused before its signature (and certificate) is looked at.
    const unsignedTopic = await postSns(h.baseUrl, { ...message, TopicArn: OTHER_TOPIC });
    expect(unsignedTopic.status).toBe(403);
  });

  it('confirms a subscription to an allowed topic by fetching its SubscribeURL', async () => {
    const response = await postSns(h.baseUrl, sns.subscription(TOPIC));
    expect(response.status).toBe(202);
    await waitFor('the confirmation GET', () => sns.confirmed.length === 1);
    expect(sns.confirmed[0]).toMatch(/^\/confirm\?Action=ConfirmSubscription&Token=/);
  });

  it('refuses a subscription (and notifications) for a topic not allow-listed', async () => {
    const before = sns.confirmed.length;
    const response = await postSns(h.baseUrl, sns.subscription(OTHER_TOPIC));
    expect(response.status).toBe(403);
    const notification = await postSns(
      h.baseUrl,
      sns.notification(OTHER_TOPIC, alarm('other-topic')),
    );
    expect(notification.status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sns.confirmed.length).toBe(before);
    expect(
      parents().some(
        (m) =>
          m.text.includes('evil-host') ||
          m.text.includes('tampered') ||
          m.text.includes('other-topic'),
      ),
    ).toBe(false);
  });

  it('answers 404 with a clear body on endpoints whose secret is unset', async () => {
    const webhook = await fetch(`${h.baseUrl}/alerts/webhook`, { method: 'POST', body: '{}' });
    expect(webhook.status).toBe(404);
    expect((await webhook.json()).reason).toMatch(/OPSBOT_WEBHOOK_SECRET/);
    const am = await fetch(`${h.baseUrl}/alerts/alertmanager`, { method: 'POST', body: '{}' });
    expect(am.status).toBe(404);
    expect((await am.json()).reason).toMatch(/OPSBOT_ALERTMANAGER_TOKEN/);
  });

  it('refuses malformed SNS bodies with a reason', async () => {
    const notJson = await fetch(`${h.baseUrl}/alerts/sns`, { method: 'POST', body: '{"Type": ' });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).reason).toMatch(/not JSON/);
    const noSignature = await postSns(h.baseUrl, {
      Type: 'Notification',
      MessageId: 'x',
      TopicArn: TOPIC,
      Message: '{}',
      Timestamp: 'now',
      SignatureVersion: '2',
    });
    expect(noSignature.status).toBe(400);
    expect((await noSignature.json()).reason).toMatch(/Signature/);
  });
});

describe('SnsVerifier host check (strict by default)', () => {
  const verifier = new SnsVerifier();
  it('trusts only https on sns.<region>.amazonaws.com or .com.cn', () => {
    expect(
      verifier.checkUrl(
        'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem',
        'SigningCertURL',
      ),
    ).toBeUndefined();
    expect(
      verifier.checkUrl(
        'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-0123abcd.pem',
        'SigningCertURL',
      ),
    ).toBeUndefined();
    expect(verifier.checkUrl('http://sns.us-east-1.amazonaws.com/x.pem', 'SigningCertURL')).toMatch(
      /not https/,
    );
    expect(verifier.checkUrl('https://127.0.0.1/x.pem', 'SigningCertURL')).toMatch(
      /not an SNS host/,
    );
    expect(
      verifier.checkUrl('https://sns.us-east-1.amazonaws.com.evil.com/x.pem', 'SigningCertURL'),
    ).toMatch(/not an SNS host/);
    expect(
      verifier.checkUrl('https://evilsns.us-east-1.amazonaws.com/x.pem', 'SigningCertURL'),
    ).toMatch(/not an SNS host/);
  });
});
