import { z } from 'zod';
import { own } from '../util/own.ts';
import { type Alert, BadAlert, type Severity } from './alert.ts';

const dimensionsSchema = z.array(z.object({ name: z.string(), value: z.string() })).default([]);

const metricStatSchema = z.object({
  Metric: z.object({
    MetricName: z.string(),
    Namespace: z.string().optional(),
    Dimensions: dimensionsSchema,
  }),
  Period: z.number().optional(),
  Stat: z.string().optional(),
});

const triggerSchema = z
  .object({
    MetricName: z.string().optional(),
    Namespace: z.string().optional(),
    Statistic: z.string().optional(),
    ExtendedStatistic: z.string().optional(),
    Dimensions: dimensionsSchema.optional(),
    Period: z.number().optional(),
    EvaluationPeriods: z.number().optional(),
    ComparisonOperator: z.string().optional(),
    Threshold: z.number().optional(),
    /** Anomaly-detection alarms: the id of the band expression, instead of a Threshold. */
    ThresholdMetricId: z.string().optional(),
    /** Metric-math alarms: the expression and the metrics it reads. */
    Metrics: z
      .array(
        z.object({
          Id: z.string(),
          Expression: z.string().optional(),
          Label: z.string().optional(),
          ReturnData: z.boolean().optional(),
          MetricStat: metricStatSchema.optional(),
        }),
      )
      .optional(),
  })
  .loose();

const alarmSchema = z
  .object({
    AlarmName: z.string().min(1),
    AlarmDescription: z.string().nullish(),
    AWSAccountId: z.string().optional(),
    NewStateValue: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
    OldStateValue: z.string().optional(),
    NewStateReason: z.string().optional(),
    StateChangeTime: z.string().optional(),
    Region: z.string().optional(),
    AlarmArn: z.string().optional(),
    Trigger: triggerSchema.optional(),
    /** Composite alarms: the rule over other alarms, and the children whose change fired it. */
    AlarmRule: z.string().nullish(),
    TriggeringChildren: z.array(z.unknown()).nullish(),
  })
  .loose();

export type CloudWatchAlarm = z.infer<typeof alarmSchema>;

/** True when an SNS `Message` looks like a CloudWatch alarm notification. */
export function looksLikeCloudWatch(message: string): boolean {
  return message.trimStart().startsWith('{') && message.includes('"AlarmName"');
}

/** Parses a CloudWatch alarm notification (the SNS `Message`), single-metric or metric-math. */
export function parseCloudWatchAlarm(message: string, severity: Severity = 'high'): Alert {
  let raw: unknown;
  try {
    raw = JSON.parse(message);
  } catch {
    throw new BadAlert('the SNS Message is not JSON');
  }
  return alertFromAlarm(raw, severity);
}

/** An alarm notification already read from JSON (or built from another shape of it) → alert. */
export function alertFromAlarm(raw: unknown, severity: Severity = 'high'): Alert {
  const parsed = alarmSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadAlert(
      `not a CloudWatch alarm: ${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
  }
  const alarm = parsed.data;
  const region = regionCodeOf(alarm.AlarmArn);
  const consoleLink = consoleLinkOf(alarm.AlarmArn, region, alarm.AlarmName);
  return {
    source: 'cloudwatch',
    key: `cloudwatch:${alarm.AlarmArn ?? `${alarm.AWSAccountId ?? ''}:${alarm.AlarmName}`}`,
    status: STATUS_OF[alarm.NewStateValue],
    severity,
    title: alarm.AlarmName,
    reason: alarm.NewStateReason,
    stateChange: `${alarm.OldStateValue ?? '?'} → ${alarm.NewStateValue}`,
    facts: alarmFacts(alarm),
    labels: { alarm_name: alarm.AlarmName, ...(region ? { region } : {}) },
    ...(alarm.AlarmDescription ? { annotations: { description: alarm.AlarmDescription } } : {}),
    ...(alarm.Trigger?.Dimensions?.length
      ? { dimensions: Object.fromEntries(alarm.Trigger.Dimensions.map((d) => [d.name, d.value])) }
      : {}),
    links: consoleLink ? [{ label: 'CloudWatch console', url: consoleLink }] : [],
    occurredAt: alarm.StateChangeTime,
    ...stateChangedAt(alarm.StateChangeTime),
  };
}

/**
 * What each alarm state says of the incident. INSUFFICIENT_DATA says neither: the alarm's
 * `TreatMissingData` is how its owner chose to treat missing data (`breaching` goes to ALARM).
 */
const STATUS_OF: Record<CloudWatchAlarm['NewStateValue'], Alert['status']> = {
  ALARM: 'firing',
  OK: 'resolved',
  INSUFFICIENT_DATA: 'insufficient_data',
};

/** `2015-06-03T17:43:27.123+0000` (CloudWatch writes the offset without a colon) → ms. */
function stateChangedAt(time: string | undefined): { stateChangedAt?: number } {
  const ms = Date.parse(time?.replace(/([+-]\d\d)(\d\d)$/, '$1:$2') ?? '');
  return Number.isFinite(ms) ? { stateChangedAt: ms } : {};
}

function alarmFacts(alarm: CloudWatchAlarm): [string, string][] {
  const trigger = alarm.Trigger;
  const facts: [string, string][] = [];
  if (alarm.Region) facts.push(['Region', alarm.Region]);
  if (alarm.AWSAccountId) facts.push(['Account', alarm.AWSAccountId]);
  if (alarm.AlarmRule) facts.push(['Rule', alarm.AlarmRule]);
  const children = childAlarmNames(alarm.TriggeringChildren);
  if (children.length) facts.push(['Triggered by', children.join(', ')]);
  if (!trigger) return facts;
  if (trigger.MetricName) {
    const stat = trigger.Statistic ?? trigger.ExtendedStatistic;
    facts.push([
      'Metric',
      `${trigger.Namespace ? `${trigger.Namespace} ` : ''}${trigger.MetricName}${stat ? ` (${stat.toLowerCase()}` : ''}${stat && trigger.Period ? `, ${trigger.Period} s)` : stat ? ')' : ''}`,
    ]);
    if (trigger.Dimensions?.length) facts.push(['Dimensions', dimensionsText(trigger.Dimensions)]);
  }
  for (const metric of trigger.Metrics ?? []) {
    if (metric.Expression) {
      facts.push([
        `Expression ${metric.Id}`,
        `${metric.Expression}${metric.Label ? ` (${metric.Label})` : ''}`,
      ]);
    } else if (metric.MetricStat) {
      const m = metric.MetricStat.Metric;
      const dims = m.Dimensions.length ? ` [${dimensionsText(m.Dimensions)}]` : '';
      facts.push([
        `Metric ${metric.Id}`,
        `${m.Namespace ? `${m.Namespace} ` : ''}${m.MetricName}${metric.MetricStat.Stat ? ` (${metric.MetricStat.Stat.toLowerCase()})` : ''}${dims}`,
      ]);
    }
  }
  const periods = trigger.EvaluationPeriods ? ` for ${trigger.EvaluationPeriods} period(s)` : '';
  if (trigger.Threshold !== undefined) {
    facts.push([
      'Threshold',
      `${comparisonText(trigger.ComparisonOperator)} ${trigger.Threshold}${periods}`,
    ]);
  } else if (trigger.ThresholdMetricId) {
    // Anomaly detection: the threshold is the band the ANOMALY_DETECTION_BAND expression draws.
    facts.push([
      'Threshold',
      `${comparisonText(trigger.ComparisonOperator)} ${trigger.ThresholdMetricId}${periods}`,
    ]);
  }
  return facts;
}

/**
 * The names of a composite alarm's triggering children: CloudWatch sends `{Arn, State}` objects
 * (its schema also allows bare ARN strings); the name is what follows `:alarm:` in the ARN.
 */
function childAlarmNames(children: unknown[] | null | undefined): string[] {
  return (children ?? []).flatMap((child) => {
    const arn = typeof child === 'string' ? child : (child as { Arn?: unknown } | null)?.Arn;
    if (typeof arn !== 'string' || !arn) return [];
    const at = arn.indexOf(':alarm:');
    return [at >= 0 ? arn.slice(at + ':alarm:'.length) : arn];
  });
}

const dimensionsText = (dims: { name: string; value: string }[]) =>
  dims.map((d) => `${d.name}=${d.value}`).join(', ');

function comparisonText(operator: string | undefined): string {
  switch (operator) {
    case 'GreaterThanThreshold':
      return '>';
    case 'GreaterThanOrEqualToThreshold':
      return '≥';
    case 'LessThanThreshold':
      return '<';
    case 'LessThanOrEqualToThreshold':
      return '≤';
    case 'GreaterThanUpperThreshold':
      return 'above the band';
    case 'LessThanLowerThreshold':
      return 'below the band';
    case 'LessThanLowerOrGreaterThanUpperThreshold':
      return 'outside the band';
    default:
      return operator ?? '';
  }
}

/**
 * The console host of each ARN partition that has a public console: China and GovCloud have
 * their own, the ISO partitions none (no link rather than a wrong one).
 */
const CONSOLE_HOSTS: Record<string, (region: string) => string> = {
  aws: (region) => `${region}.console.aws.amazon.com`,
  'aws-cn': (region) => `${region}.console.amazonaws.cn`,
  'aws-us-gov': () => 'console.amazonaws-us-gov.com',
};

/** The alarm's page in the console of its ARN's partition and region, if it has one. */
function consoleLinkOf(arn: string | undefined, region: string | undefined, name: string) {
  const host = own(CONSOLE_HOSTS, arn?.split(':')[1] ?? '');
  if (!region || !host) return undefined;
  return `https://${host(region)}/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(name)}`;
}

/** `arn:aws:cloudwatch:us-east-1:…` → `us-east-1` (the fixture's placeholder `REGION` gives none). */
function regionCodeOf(arn: string | undefined): string | undefined {
  const region = arn?.split(':')[3];
  return region && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ? region : undefined;
}
