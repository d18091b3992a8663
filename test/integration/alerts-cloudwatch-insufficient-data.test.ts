import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSnsAlarm } from '../../src/alerts/sns-alarm.ts';
import { type Harness, messageText, startHarness, waitFor } from '../helpers/harness.ts';
import { type FakeSns, postSns, startFakeSns } from '../helpers/sns.ts';

/**
 * A CloudWatch alarm in INSUFFICIENT_DATA does not know whether its metric breaches: the alarm's
 * owner decides how missing data counts (TreatMissingData; `breaching` sends it to ALARM
 * instead). So INSUFFICIENT_DATA opens no incident and resolves none; an incident already open
 * stays open and its thread says the alarm has insufficient data, and why.
 */

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ops-alerts';
const ARN = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm';
const fixture = JSON.parse(
  readFileSync('test/fixtures/cloudwatch-alarm-single-metric.message.json', 'utf8'),
) as Record<string, unknown>;
const at = (minute: number) => `2026-02-02T10:${String(minute).padStart(2, '0')}:00.000+0000`;
const NO_DATA_REASON =
  'Insufficient Data: 1 datapoint was unknown (minimum 1 datapoint for ALARM -> INSUFFICIENT_DATA transition).';

/** The single-metric fixture as alarm `name`, changing from `old` to `state` at `minute`. */
const alarm = (name: string, state: string, old: string, minute: number, reason?: string) =>
  JSON.stringify({
    ...fixture,
    AlarmName: name,
    AlarmArn: `${ARN}:${name}`,
    NewStateValue: state,
    OldStateValue: old,
    StateChangeTime: at(minute),
    ...(reason ? { NewStateReason: reason } : {}),
  });

/** The same state change as a "CloudWatch Alarm State Change" event (EventBridge → SNS). */
const alarmEvent = (name: string, state: string, old: string, minute: number, reason: string) =>
  JSON.stringify({
    version: '0',
    id: `ev-${name}-${minute}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: at(minute).replace('.000+0000', 'Z'),
    region: 'us-east-1',
    resources: [`${ARN}:${name}`],
    detail: {
      alarmName: name,
      state: { value: state, reason, timestamp: at(minute) },
      previousState: { value: old, timestamp: at(minute - 1) },
      configuration: { metrics: [] },
    },
  });

describe('CloudWatch INSUFFICIENT_DATA: parsing', () => {
  it('is neither firing nor resolved, in a CloudWatch notification and in an EventBridge event', () => {
    const direct = parseSnsAlarm(
      alarm('parse-nodata', 'INSUFFICIENT_DATA', 'ALARM', 3, NO_DATA_REASON),
    );
    const event = parseSnsAlarm(
      alarmEvent('parse-nodata', 'INSUFFICIENT_DATA', 'ALARM', 3, NO_DATA_REASON),
    );
    for (const alert of [direct, event]) {
      expect(alert.status).toBe('insufficient_data');
      expect(alert.key).toBe(`cloudwatch:${ARN}:parse-nodata`);
      expect(alert.reason).toBe(NO_DATA_REASON);
      expect(alert.stateChange).toBe('ALARM → INSUFFICIENT_DATA');
      expect(alert.stateChangedAt).toBe(Date.parse('2026-02-02T10:03:00.000Z'));
    }
  });
});

describe('CloudWatch INSUFFICIENT_DATA: incidents', () => {
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
  const threadOf = (ts: string) => h.slack.state.channelMessages('C0INCIDENTS', ts);
  const incidentOf = async (name: string) =>
    (await h.bot.alerts.store.listOpen()).find((i) => i.alert.title === name);
  /** Lets every queued job and Slack call finish. */
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    await h.bot.alerts.outbox.idle();
  };
  const send = async (message: string) => {
    const response = await postSns(h.baseUrl, sns.notification(TOPIC, message));
    expect(response.status).toBe(202);
  };

  it('opens nothing for an alarm going OK → INSUFFICIENT_DATA, or created in INSUFFICIENT_DATA', async () => {
    await send(alarm('nodata-from-ok', 'INSUFFICIENT_DATA', 'OK', 1, NO_DATA_REASON));
    // A new alarm starts in INSUFFICIENT_DATA; CloudWatch notifies with no previous state.
    await send(
      JSON.stringify({
        ...JSON.parse(alarm('nodata-new', 'INSUFFICIENT_DATA', '', 1, NO_DATA_REASON)),
        OldStateValue: undefined,
      }),
    );
    // The same through an EventBridge rule whose target is the topic.
    await send(alarmEvent('nodata-event', 'INSUFFICIENT_DATA', 'OK', 1, NO_DATA_REASON));
    // A control, sent last: an alarm that does fire is posted.
    await send(alarm('nodata-control', 'ALARM', 'OK', 1));
    await waitFor('the control parent', () => parentFor('nodata-control'));
    await settle();
    for (const name of ['nodata-from-ok', 'nodata-new', 'nodata-event']) {
      expect(parentFor(name), name).toBeUndefined();
      expect(await incidentOf(name), name).toBeUndefined();
    }
  });

  it('keeps an open incident open on ALARM → INSUFFICIENT_DATA, notes it in the thread, counts no firing', async () => {
    await send(alarm('nodata-open', 'ALARM', 'OK', 1));
    const parent = await waitFor('the nodata-open parent', () => parentFor('nodata-open'));
    await send(alarm('nodata-open', 'INSUFFICIENT_DATA', 'ALARM', 2, NO_DATA_REASON));
    const note = await waitFor('the insufficient-data note', () =>
      threadOf(parent.ts).find((m) => /insufficient data/i.test(m.text)),
    );
    expect(note.text).toContain('Insufficient Data: 1 datapoint was unknown');
    await settle();
    expect(await incidentOf('nodata-open')).toMatchObject({ status: 'open', count: 1 });
    expect(parent.text).not.toContain('Resolved');
    expect(messageText(parent)).toContain('*Firing count*\\n1');
    // The data comes back and the alarm recovers: OK resolves as usual.
    await send(alarm('nodata-open', 'OK', 'INSUFFICIENT_DATA', 3));
    await waitFor('the parent resolved', () => parent.text.includes('Resolved'));
    expect(await incidentOf('nodata-open')).toBeUndefined();
  });

  it('an INSUFFICIENT_DATA event through EventBridge keeps the incident open too', async () => {
    await send(alarm('nodata-open-event', 'ALARM', 'OK', 1));
    const parent = await waitFor('the parent', () => parentFor('nodata-open-event'));
    await send(alarmEvent('nodata-open-event', 'INSUFFICIENT_DATA', 'ALARM', 2, NO_DATA_REASON));
    await waitFor('the insufficient-data note', () =>
      threadOf(parent.ts).find((m) => /insufficient data/i.test(m.text)),
    );
    await settle();
    expect(await incidentOf('nodata-open-event')).toMatchObject({ status: 'open', count: 1 });
  });

  it('a resolved incident stays resolved on OK → INSUFFICIENT_DATA (no reopen, no note)', async () => {
    await send(alarm('nodata-after-ok', 'ALARM', 'OK', 1));
    const parent = await waitFor('the parent', () => parentFor('nodata-after-ok'));
    await send(alarm('nodata-after-ok', 'OK', 'ALARM', 2));
    await waitFor('the parent resolved', () => parent.text.includes('Resolved'));
    await send(alarm('nodata-after-ok', 'INSUFFICIENT_DATA', 'OK', 3, NO_DATA_REASON));
    await settle();
    expect(await incidentOf('nodata-after-ok')).toBeUndefined();
    expect(parent.text).toContain('Resolved');
    expect(threadOf(parent.ts).some((m) => /insufficient data/i.test(m.text))).toBe(false);
  });

  it('counts as the latest state change: an older ALARM delivered after it changes nothing', async () => {
    // SNS keeps no order: the INSUFFICIENT_DATA of minute 5 arrives before the ALARM of minute 4.
    await send(alarm('nodata-order', 'INSUFFICIENT_DATA', 'ALARM', 5, NO_DATA_REASON));
    await send(alarm('nodata-order', 'ALARM', 'OK', 4));
    await send(alarm('nodata-control-2', 'ALARM', 'OK', 1));
    await waitFor('the control parent', () => parentFor('nodata-control-2'));
    await settle();
    expect(parentFor('nodata-order')).toBeUndefined();
    expect(await incidentOf('nodata-order')).toBeUndefined();
    // A newer ALARM still opens it.
    await send(alarm('nodata-order', 'ALARM', 'INSUFFICIENT_DATA', 6));
    await waitFor('the nodata-order parent', () => parentFor('nodata-order'));
  });
});
