import { z } from 'zod';
import { type Alert, BadAlert } from './alert.ts';
import { alertFromAlarm, looksLikeCloudWatch, parseCloudWatchAlarm } from './cloudwatch.ts';

/**
 * What an SNS topic may carry besides CloudWatch's own alarm notifications: EventBridge events
 * (a rule whose target is the topic; "CloudWatch Alarm State Change" is the same alarm in another
 * shape, AWS Health and the rest are not alarms) and plain text (AWS Budgets). The alarm shapes
 * become alerts; anything else is refused with a reason that names what it is.
 */

const eventSchema = z
  .object({
    'detail-type': z.string(),
    source: z.string(),
    detail: z.unknown(),
  })
  .loose();

const metricSchema = z
  .object({
    id: z.string(),
    expression: z.string().optional(),
    label: z.string().optional(),
    returnData: z.boolean().optional(),
    metricStat: z
      .object({
        metric: z.object({
          name: z.string(),
          namespace: z.string().optional(),
          dimensions: z.record(z.string(), z.string()).default({}),
        }),
        period: z.number().optional(),
        stat: z.string().optional(),
      })
      .optional(),
  })
  .loose();

const alarmEventSchema = z
  .object({
    account: z.string().optional(),
    region: z.string().optional(),
    resources: z.array(z.string()).default([]),
    detail: z
      .object({
        alarmName: z.string().min(1),
        state: z
          .object({
            value: z.string(),
            reason: z.string().optional(),
            timestamp: z.string().optional(),
          })
          .loose(),
        previousState: z.object({ value: z.string().optional() }).loose().optional(),
        configuration: z
          .object({
            description: z.string().nullish(),
            alarmRule: z.string().optional(),
            metrics: z.array(metricSchema).optional(),
          })
          .loose()
          .optional(),
      })
      .loose(),
  })
  .loose();

const clip = (text: string) => (text.length > 120 ? `${text.slice(0, 119)}…` : text);

/** Parses an SNS `Message` that should be a CloudWatch alarm; BadAlert names what it is if not. */
export function parseSnsAlarm(message: string, subject?: string): Alert {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    json = undefined;
  }
  const event = eventSchema.safeParse(json);
  if (event.success) {
    const { source, 'detail-type': detailType } = event.data;
    if (source === 'aws.cloudwatch' && detailType === 'CloudWatch Alarm State Change')
      return alertFromAlarmEvent(json);
    throw new BadAlert(
      `the SNS Message is an EventBridge event (source ${clip(source)}, detail-type "${clip(detailType)}"), not a CloudWatch alarm: this endpoint takes CloudWatch alarm notifications and "CloudWatch Alarm State Change" events; send other events to /alerts/webhook`,
    );
  }
  if (looksLikeCloudWatch(message)) return parseCloudWatchAlarm(message);
  if (json !== undefined)
    throw new BadAlert(
      'the SNS Message is JSON but not a CloudWatch alarm notification (it has no AlarmName)',
    );
  throw new BadAlert(
    `the SNS Message is plain text${subject ? ` (Subject "${clip(subject)}")` : ''}, not a CloudWatch alarm notification`,
  );
}

/** A "CloudWatch Alarm State Change" event, read as the alarm notification it stands for. */
function alertFromAlarmEvent(json: unknown): Alert {
  const parsed = alarmEventSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadAlert(
      `not a CloudWatch Alarm State Change event: ${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
  }
  const { account, region, resources, detail } = parsed.data;
  const arn =
    resources.find((r) => r.includes(':alarm:')) ??
    (region && account
      ? `arn:aws:cloudwatch:${region}:${account}:alarm:${detail.alarmName}`
      : undefined);
  const config = detail.configuration;
  return alertFromAlarm({
    AlarmName: detail.alarmName,
    AlarmDescription: config?.description,
    AWSAccountId: account,
    NewStateValue: detail.state.value,
    OldStateValue: detail.previousState?.value,
    NewStateReason: detail.state.reason,
    StateChangeTime: detail.state.timestamp,
    Region: region,
    AlarmArn: arn,
    AlarmRule: config?.alarmRule,
    Trigger: config?.metrics?.length ? triggerOf(config.metrics) : undefined,
  });
}

type EventMetric = z.infer<typeof metricSchema>;

/** The event's metrics as a notification's Trigger: one metric reads as a single-metric alarm. */
function triggerOf(metrics: EventMetric[]) {
  const dimensions = (d: Record<string, string>) =>
    Object.entries(d).map(([name, value]) => ({ name, value }));
  const only = metrics.length === 1 ? metrics[0]!.metricStat : undefined;
  if (only)
    return {
      MetricName: only.metric.name,
      Namespace: only.metric.namespace,
      Statistic: only.stat,
      Period: only.period,
      Dimensions: dimensions(only.metric.dimensions),
    };
  return {
    Metrics: metrics.map((m) => ({
      Id: m.id,
      Expression: m.expression,
      Label: m.label,
      ReturnData: m.returnData,
      MetricStat: m.metricStat && {
        Metric: {
          MetricName: m.metricStat.metric.name,
          Namespace: m.metricStat.metric.namespace,
          Dimensions: dimensions(m.metricStat.metric.dimensions),
        },
        Period: m.metricStat.period,
        Stat: m.metricStat.stat,
      },
    })),
  };
}
