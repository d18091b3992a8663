import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadAlert } from '../../src/alerts/alert.ts';
import { parseAlertmanager } from '../../src/alerts/alertmanager.ts';
import { parseCloudWatchAlarm } from '../../src/alerts/cloudwatch.ts';
import { parseGenericWebhook, signWebhook, verifyWebhook } from '../../src/alerts/webhook.ts';
import { alertsConfigSchema } from '../../src/config/alerts.ts';
import { mappingMatches, parseRunbookValue, runbookButtons } from '../../src/incidents/runbooks.ts';

/** test/fixtures holds copies of the real payloads in shared/fixtures, plus our own metric-math alarm. */
const fixture = (name: string) =>
  readFileSync(`test/fixtures/${name.replace(/^own:/, '')}`, 'utf8');

describe('CloudWatch alarm messages', () => {
  it('parses the single-metric fixture: state change, reason, metric, dimensions, threshold', () => {
    const alert = parseCloudWatchAlarm(fixture('cloudwatch-alarm-single-metric.message.json'));
    expect(alert).toMatchObject({
      source: 'cloudwatch',
      key: 'cloudwatch:arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE',
      status: 'firing',
      title: 'EXAMPLE',
      stateChange: 'INSUFFICIENT_DATA → ALARM',
      occurredAt: '2015-06-03T17:43:27.123+0000',
    });
    expect(alert.reason).toContain('was greater than the threshold (0.0)');
    expect(Object.fromEntries(alert.facts!)).toMatchObject({
      Metric: 'AWS/EC2 NetworkOut (average, 60 s)',
      Dimensions: 'InstanceId=TestInstance',
      Threshold: '> 0 for 1 period(s)',
      Account: '123456789012',
    });
  });

  it('parses the Message inside the SNS notification fixture the same way', () => {
    const sns = JSON.parse(fixture('sns-http-notification-cloudwatch-alarm.json'));
    const direct = parseCloudWatchAlarm(fixture('cloudwatch-alarm-single-metric.message.json'));
    expect(parseCloudWatchAlarm(sns.Message)).toEqual(direct);
  });

  it('parses a metric-math alarm (Trigger.Metrics[]) with a console link for its region', () => {
    const alert = parseCloudWatchAlarm(fixture('own:cloudwatch-alarm-metric-math.message.json'));
    const facts = Object.fromEntries(alert.facts!);
    expect(facts['Expression rate']).toBe('100 * errors / invocations (Error rate %)');
    expect(facts['Metric errors']).toBe(
      'AWS/Lambda Errors (sum) [FunctionName=mission-control-api]',
    );
    expect(facts['Metric invocations']).toContain('Invocations');
    expect(facts.Threshold).toBe('> 5 for 1 period(s)');
    expect(alert.stateChange).toBe('OK → ALARM');
    expect(alert.links?.[0]?.url).toContain('us-east-1.console.aws.amazon.com/cloudwatch');
    expect(alert.labels).toEqual({
      alarm_name: 'mission-control-api-error-rate',
      region: 'us-east-1',
    });
  });

  it('treats OK as recovery and names what is wrong with a broken message', () => {
    const ok = JSON.parse(fixture('cloudwatch-alarm-single-metric.message.json'));
    ok.NewStateValue = 'OK';
    expect(parseCloudWatchAlarm(JSON.stringify(ok)).status).toBe('resolved');
    expect(() => parseCloudWatchAlarm('{"AlarmName": "x"}')).toThrow(/NewStateValue/);
    expect(() => parseCloudWatchAlarm('not json')).toThrow(BadAlert);
  });
});

describe('Alertmanager and Grafana webhooks', () => {
  it('splits the Grafana fixture into one alert per fingerprint with labels, annotations and links', () => {
    const alerts = parseAlertmanager(JSON.parse(fixture('grafana-webhook-two-alerts.json')));
    expect(alerts.map((a) => a.key)).toEqual([
      'grafana:c6eadffa33fcdf37',
      'grafana:bc97ff14869b13e3',
    ]);
    expect(alerts[0]).toMatchObject({
      source: 'grafana',
      status: 'firing',
      title: 'High memory usage',
      reason: 'This alert was triggered for zone us-1',
      labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1' },
    });
    expect(alerts[0]!.links?.map((l) => l.label)).toEqual(['Source', 'Runbook', 'Silence']);
    expect(alerts[0]!.links?.[1]?.url).toBe('https://myrunbook.com/runbook/1234');
  });

  it('reads plain Alertmanager v4 with severity labels and resolved alerts', () => {
    const alerts = parseAlertmanager({
      version: '4',
      status: 'resolved',
      receiver: 'opsbot',
      groupKey: '{}:{alertname="X"}',
      truncatedAlerts: 0,
      groupLabels: {},
      commonLabels: { severity: 'critical' },
      commonAnnotations: {},
      externalURL: 'http://alertmanager:9093',
      alerts: [
        {
          status: 'resolved',
          labels: { alertname: 'X' },
          annotations: {},
          startsAt: '2026-11-23T09:00:00Z',
          endsAt: '2026-11-23T09:05:00Z',
          generatorURL: 'http://prom/graph',
          fingerprint: 'abc',
        },
      ],
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      source: 'alertmanager',
      key: 'alertmanager:abc',
      status: 'resolved',
      severity: 'critical',
    });
  });

  it('refuses a body without alerts, naming the field', () => {
    expect(() => parseAlertmanager({ alerts: [] })).toThrow(/alerts/);
    expect(() => parseAlertmanager({ alerts: [{ status: 'firing' }] })).toThrow(/fingerprint/);
  });
});

describe('generic webhook', () => {
  const body = JSON.stringify({
    source: 'uptime',
    key: 'api-down',
    status: 'firing',
    severity: 'P1',
    summary: 'API down',
    details: { region: 'eu-west-1' },
    links: [{ label: 'Status', url: 'https://status.example.com' }],
  });

  it('verifies the v0 HMAC signature and refuses tampering, a wrong secret and old timestamps', () => {
    const secret = 'webhook-secret-0123456789';
    const now = Date.now();
    const headers = signWebhook(secret, body, Math.floor(now / 1000));
    expect(headers['x-opsbot-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(verifyWebhook(secret, body, headers, now)).toBeUndefined();
    expect(verifyWebhook(secret, body.replace('API down', 'API up'), headers, now)).toMatch(
      /does not match/,
    );
    expect(verifyWebhook('another-secret-0123456789', body, headers, now)).toMatch(
      /does not match/,
    );
    const old = signWebhook(secret, body, Math.floor(now / 1000) - 301);
    expect(verifyWebhook(secret, body, old, now)).toMatch(/5 minutes/);
    expect(verifyWebhook(secret, body, {}, now)).toMatch(/x-opsbot-request-timestamp/);
  });

  it('parses the fields into an alert', () => {
    const alert = parseGenericWebhook(JSON.parse(body));
    expect(alert).toMatchObject({
      source: 'uptime',
      key: 'webhook:uptime:api-down',
      severity: 'critical',
      title: 'API down',
      facts: [['region', 'eu-west-1']],
      labels: { source: 'uptime', key: 'api-down' },
    });
    expect(() => parseGenericWebhook({ ...JSON.parse(body), status: 'maybe' })).toThrow(/status/);
  });
});

describe('runbook mappings', () => {
  const config = alertsConfigSchema.parse({
    runbooks: [
      {
        name: 'mca',
        alarm_name: 'mission-control-api-*',
        buttons: [
          { label: 'Tail logs', command: 'logs mission-control-api since=30m filter=ERROR' },
        ],
      },
      {
        name: 'blue',
        labels: { team: 'blue', zone: 'us-*' },
        buttons: [{ label: 'Ping', command: 'ping' }],
      },
    ],
  });

  it('matches alarm-name globs and label matchers, and the button value carries only ids', () => {
    const cw = parseCloudWatchAlarm(fixture('own:cloudwatch-alarm-metric-math.message.json'));
    const [memory, cpu] = parseAlertmanager(JSON.parse(fixture('grafana-webhook-two-alerts.json')));
    expect(mappingMatches(config.runbooks[0]!, cw)).toBe(true);
    expect(mappingMatches(config.runbooks[1]!, memory!)).toBe(true);
    expect(mappingMatches(config.runbooks[1]!, cpu!)).toBe(false);
    const buttons = runbookButtons(config.runbooks, 'inc_0123456789ab', cw);
    expect(buttons).toEqual([{ label: 'Tail logs', value: 'inc_0123456789ab|mca|0' }]);
    expect(parseRunbookValue(buttons[0]!.value)).toEqual({
      incidentId: 'inc_0123456789ab',
      mapping: 'mca',
      index: 0,
    });
    expect(parseRunbookValue('logs mission-control-api')).toBeUndefined();
  });
});
