import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, messageText, startHarness, waitFor } from '../helpers/harness.ts';
import { type FakeSns, postSns, startFakeSns } from '../helpers/sns.ts';

/**
 * Fidelity of POST /alerts/sns against what AWS documents SNS and CloudWatch send, over real HTTP
 * with a signing fake SNS (test/helpers/sns.ts).
 */

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ops-alerts';
const fixture = JSON.parse(
  readFileSync('test/fixtures/cloudwatch-alarm-single-metric.message.json', 'utf8'),
) as Record<string, unknown>;

/** The single-metric fixture as the alarm `name` in `arn`'s partition and region. */
const alarm = (name: string, arn: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ...fixture, AlarmName: name, AlarmArn: `${arn}:alarm:${name}`, ...extra });

describe('alerts fidelity: SNS', () => {
  let sns: FakeSns;
  let h: Harness;

  beforeAll(async () => {
    sns = await startFakeSns();
    h = await startHarness({
      alerts: {
        sns: { trustHost: (host) => host === '127.0.0.1', ca: sns.ca },
        postIntervalMs: 20,
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await sns?.stop();
  });

  const parentFor = (name: string) =>
    h.slack.state.channelMessages('C0INCIDENTS').find((m) => !m.thread_ts && m.text.includes(name));

  it('links each alarm to the console of its ARN partition (aws-cn, aws-us-gov), none for ISO', async () => {
    const cases = [
      ['fid-cn-alarm', 'arn:aws-cn:cloudwatch:cn-north-1:123456789012'],
      ['fid-gov-alarm', 'arn:aws-us-gov:cloudwatch:us-gov-west-1:123456789012'],
      ['fid-iso-alarm', 'arn:aws-iso:cloudwatch:us-iso-east-1:123456789012'],
      ['fid-aws-alarm', 'arn:aws:cloudwatch:eu-west-1:123456789012'],
    ] as const;
    for (const [name, arn] of cases) {
      const response = await postSns(h.baseUrl, sns.notification(TOPIC, alarm(name, arn)));
      expect(response.status).toBe(202);
    }
    const text = async (name: string) =>
      messageText(await waitFor(`the ${name} parent`, () => parentFor(name)));
    const cn = await text('fid-cn-alarm');
    expect(cn).toContain(
      'https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#alarmsV2:alarm/fid-cn-alarm',
    );
    expect(cn).not.toContain('console.aws.amazon.com');
    const gov = await text('fid-gov-alarm');
    expect(gov).toContain(
      'https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#alarmsV2:alarm/fid-gov-alarm',
    );
    expect(gov).not.toContain('console.aws.amazon.com');
    // ISO partitions have no public console: no link rather than a wrong one.
    expect(await text('fid-iso-alarm')).not.toContain('CloudWatch console');
    expect(await text('fid-aws-alarm')).toContain(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/fid-aws-alarm',
    );
  });

  it('a late delivery of an older state change (SNS does not keep order) changes nothing', async () => {
    const arn = 'arn:aws:cloudwatch:us-east-1:123456789012';
    const at = (minute: number) => `2026-01-05T10:${String(minute).padStart(2, '0')}:00.000+0000`;
    const state = (name: string, value: string, old: string, minute: number) =>
      alarm(name, arn, {
        NewStateValue: value,
        OldStateValue: old,
        StateChangeTime: at(minute),
      });
    // The ALARM's first delivery failed; the later OK arrives first, then SNS retries the ALARM.
    const ok = await postSns(
      h.baseUrl,
      sns.notification(TOPIC, state('fid-late', 'OK', 'ALARM', 5)),
    );
    expect(ok.status).toBe(202);
    const late = await postSns(
      h.baseUrl,
      sns.notification(TOPIC, state('fid-late', 'ALARM', 'OK', 1)),
    );
    expect(late.status).toBe(202);
    // An open incident, resolved, then a late INSUFFICIENT_DATA from before the recovery.
    await postSns(h.baseUrl, sns.notification(TOPIC, state('fid-flap', 'ALARM', 'OK', 1)));
    await waitFor('the fid-flap parent', () => parentFor('fid-flap'));
    await postSns(h.baseUrl, sns.notification(TOPIC, state('fid-flap', 'OK', 'ALARM', 9)));
    await waitFor('fid-flap resolved', async () =>
      (await h.bot.alerts.store.listOpen()).every((i) => i.alert.title !== 'fid-flap'),
    );
    await postSns(
      h.baseUrl,
      sns.notification(TOPIC, state('fid-flap', 'INSUFFICIENT_DATA', 'ALARM', 4)),
    );
    // A newer state change still counts: the alarm fires again after its recovery.
    await postSns(h.baseUrl, sns.notification(TOPIC, state('fid-late', 'ALARM', 'OK', 7)));
    await waitFor('the fid-late parent of the newer ALARM', () => parentFor('fid-late'));
    await h.bot.alerts.outbox.idle();
    const open = await h.bot.alerts.store.listOpen();
    expect(open.filter((i) => i.alert.title === 'fid-flap')).toEqual([]);
    const lateIncident = open.filter((i) => i.alert.title === 'fid-late');
    expect(lateIncident.map((i) => [i.count, i.alert.stateChange])).toEqual([[1, 'OK → ALARM']]);
  });

  it('refuses raw message delivery (unsigned) with a 400 that says so, and creates nothing', async () => {
    // With RawMessageDelivery on, SNS posts the bare Message and adds x-amz-sns-rawdelivery: true.
    const response = await fetch(`${h.baseUrl}/alerts/sns`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain; charset=UTF-8',
        'x-amz-sns-message-type': 'Notification',
        'x-amz-sns-message-id': '5a1e5c3b-7f54-5d5f-9a2b-0c9d8e7f6a5b',
        'x-amz-sns-topic-arn': TOPIC,
        'x-amz-sns-rawdelivery': 'true',
      },
      body: alarm('fid-raw', 'arn:aws:cloudwatch:us-east-1:123456789012'),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).reason).toMatch(/raw message delivery.*RawMessageDelivery/i);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(parentFor('fid-raw')).toBeUndefined();
  });

  it('shows a composite alarm (AlarmRule, TriggeringChildren, no Trigger) with its rule and the child that fired', async () => {
    const arn = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm';
    // The shape CloudWatch documents for a composite alarm's state change.
    const composite = JSON.stringify({
      AlarmName: 'fid-composite',
      AlarmDescription: null,
      AWSAccountId: '123456789012',
      NewStateValue: 'ALARM',
      NewStateReason: `${arn}:fid-child-errors transitioned to ALARM at Monday 05 January, 2026 10:00:00 UTC`,
      StateChangeTime: '2026-01-05T10:00:00.640+0000',
      Region: 'US East (N. Virginia)',
      AlarmArn: `${arn}:fid-composite`,
      OldStateValue: 'OK',
      OKActions: [],
      AlarmActions: [TOPIC],
      InsufficientDataActions: [],
      AlarmRule: 'ALARM("fid-child-errors") OR ALARM("fid-child-latency")',
      TriggeringChildren: [
        {
          Arn: `${arn}:fid-child-errors`,
          State: { Value: 'ALARM', Timestamp: '2026-01-05T10:00:00.640+0000' },
        },
      ],
    });
    const response = await postSns(h.baseUrl, sns.notification(TOPIC, composite));
    expect(response.status).toBe(202);
    const text = messageText(
      await waitFor('the composite parent', () => parentFor('fid-composite')),
    );
    expect(text).toContain('OK → ALARM');
    expect(text).toContain('ALARM(\\"fid-child-errors\\") OR ALARM(\\"fid-child-latency\\")');
    expect(text).toMatch(/Triggered by\*\\nfid-child-errors/);
  });

  /** A notification as EventBridge or Budgets publish it: their own Message, no alarm Subject. */
  const published = (message: string, subject?: string) => {
    const {
      Signature: _signature,
      Subject: _subject,
      ...unsigned
    } = sns.notification(TOPIC, message);
    return sns.resign({ ...unsigned, ...(subject ? { Subject: subject } : {}) });
  };

  it('takes a "CloudWatch Alarm State Change" event that EventBridge sends through SNS, as the same alarm', async () => {
    const arn = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:fid-eventbridge';
    // The alarm fires through its own SNS action ...
    await postSns(
      h.baseUrl,
      sns.notification(
        TOPIC,
        alarm('fid-eventbridge', 'arn:aws:cloudwatch:us-east-1:123456789012'),
      ),
    );
    await waitFor('the fid-eventbridge parent', () => parentFor('fid-eventbridge'));
    // ... and recovers through an EventBridge rule whose target is the same topic.
    const event = {
      version: '0',
      id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: '123456789012',
      time: '2026-01-05T11:00:00Z',
      region: 'us-east-1',
      resources: [arn],
      detail: {
        alarmName: 'fid-eventbridge',
        configuration: {
          description: 'Goes into alarm when server CPU utilization is too high!',
          metrics: [
            {
              id: '30b6c6b2-a864-43a2-4877-c09a1afc3b87',
              metricStat: {
                metric: {
                  dimensions: { InstanceId: 'i-12345678901234567' },
                  name: 'CPUUtilization',
                  namespace: 'AWS/EC2',
                },
                period: 300,
                stat: 'Average',
              },
              returnData: true,
            },
          ],
        },
        previousState: {
          reason:
            'Threshold Crossed: 1 out of the last 1 datapoints was greater than the threshold',
          timestamp: '2026-01-05T10:00:00.000+0000',
          value: 'ALARM',
        },
        state: {
          reason:
            'Threshold Crossed: 1 out of the last 1 datapoints was not greater than the threshold',
          timestamp: '2026-01-05T11:00:00.000+0000',
          value: 'OK',
        },
      },
    };
    const response = await postSns(h.baseUrl, published(JSON.stringify(event)));
    expect(response.status).toBe(202);
    await waitFor('fid-eventbridge resolved by the event', async () =>
      (await h.bot.alerts.store.listOpen()).every((i) => i.alert.title !== 'fid-eventbridge')
        ? true
        : undefined,
    );
    const parent = await waitFor('the resolved parent', () => {
      const found = parentFor('fid-eventbridge');
      return found?.text.includes('Resolved') ? found : undefined;
    });
    expect(messageText(parent)).toContain('fid-eventbridge');
  });

  it('refuses other SNS messages (AWS Health through EventBridge, Budgets) with a 400 naming what they are', async () => {
    const health = {
      version: '0',
      id: '7bf73129-1428-4cd3-a780-95db273d1602',
      'detail-type': 'AWS Health Event',
      source: 'aws.health',
      account: '123456789012',
      time: '2026-01-05T10:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { eventTypeCode: 'AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED' },
    };
    const healthResponse = await postSns(h.baseUrl, published(JSON.stringify(health)));
    expect(healthResponse.status).toBe(400);
    expect((await healthResponse.json()).reason).toMatch(
      /EventBridge event \(source aws\.health, detail-type "AWS Health Event"\)/,
    );
    const budgets = await postSns(
      h.baseUrl,
      published(
        'AWS Budget Notification January 05, 2026\nAWS Account 123456789012\n\nDear AWS Customer,\n\nYou requested that we alert you when the ACTUAL Cost associated with your monthly budget is greater than $100.00 for the current month.',
        'AWS Budgets: monthly has exceeded your alert threshold',
      ),
    );
    expect(budgets.status).toBe(400);
    expect((await budgets.json()).reason).toMatch(
      /plain text.*Subject "AWS Budgets: monthly has exceeded your alert threshold"/,
    );
  });

  it('shows the band of an anomaly-detection alarm (ThresholdMetricId, no Threshold)', async () => {
    // As CloudWatch sends it: the band is the ANOMALY_DETECTION_BAND expression ThresholdMetricId names.
    const anomaly = alarm('fid-anomaly', 'arn:aws:cloudwatch:us-east-2:123456789012', {
      NewStateReason:
        'Thresholds Crossed: 1 out of the last 2 datapoints [0.52 (29/06/21 15:20:00)] was greater than the upper thresholds [0.33] (minimum 1 datapoint for OK -> ALARM transition).',
      Trigger: {
        Period: 900,
        EvaluationPeriods: 2,
        ComparisonOperator: 'GreaterThanUpperThreshold',
        ThresholdMetricId: 'ad1',
        TreatMissingData: '- TreatMissingData:                    ignore',
        EvaluateLowSampleCountPercentile: '',
        Metrics: [
          {
            Id: 'm1',
            MetricStat: {
              Metric: {
                Dimensions: [{ value: 'app/lb-dev/699cf0a8ae9d6530', name: 'LoadBalancer' }],
                MetricName: 'TargetResponseTime',
                Namespace: 'AWS/ApplicationELB',
              },
              Period: 900,
              Stat: 'p90',
            },
            ReturnData: true,
          },
          {
            Expression: 'ANOMALY_DETECTION_BAND(m1, 2)',
            Id: 'ad1',
            Label: 'TargetResponseTime (Expected)',
            ReturnData: true,
          },
        ],
      },
    });
    expect((await postSns(h.baseUrl, sns.notification(TOPIC, anomaly))).status).toBe(202);
    const text = messageText(await waitFor('the anomaly parent', () => parentFor('fid-anomaly')));
    expect(text).toMatch(/\*Threshold\*\\nabove the band ad1 for 2 period\(s\)/);
  });

  it('answers 503 (SNS retries) when the signing certificate cannot be fetched for now, 401 when it does not exist', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const message = sns.notification(
      TOPIC,
      alarm('fid-cert-down', 'arn:aws:cloudwatch:us-east-1:123456789012'),
    );
    // SigningCertURL is not signed: the same message, its certificate host down for a moment.
    const down = await postSns(h.baseUrl, {
      ...message,
      SigningCertURL: `https://127.0.0.1:${closed}/SimpleNotificationService-0123456789abcdef.pem`,
    });
    expect(down.status).toBe(503);
    expect((await down.json()).reason).toMatch(/signing certificate.*retry/);
    // A certificate the host does not have is not a passing failure: the message is not genuine.
    const missing = await postSns(h.baseUrl, {
      ...message,
      SigningCertURL: `${sns.base}/SimpleNotificationService-00.pem`,
    });
    expect(missing.status).toBe(401);
    // SNS's retry (same MessageId) is taken once the certificate can be fetched again.
    expect((await postSns(h.baseUrl, message)).status).toBe(202);
    await waitFor('the fid-cert-down parent', () => parentFor('fid-cert-down'));
  });
});
