import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricAlarm,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';

type Series = (table: string, metric: string, hour: number) => number;

/** Which table and metric a query asks for: a MetricStat, or a SEARCH expression over Operation. */
function asked(q: MetricDataQuery): { table?: string; metric?: string } {
  const m = q.MetricStat?.Metric;
  if (m)
    return {
      metric: m.MetricName,
      table: m.Dimensions?.find((d) => d.Name === 'TableName')?.Value,
    };
  const search = /MetricName="([^"]+)" TableName="([^"]+)"/.exec(q.Expression ?? '');
  return { metric: search?.[1], table: search?.[2] };
}

export function metricAlarm(
  name: string,
  table: string | undefined,
  state: string,
  metric = 'ThrottledRequests',
): MetricAlarm {
  return {
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
    StateValue: state as MetricAlarm['StateValue'],
    StateReason: 'Threshold Crossed',
    MetricName: metric,
    Namespace: table ? 'AWS/DynamoDB' : 'AWS/Lambda',
    Statistic: 'Sum',
    Dimensions: table
      ? [{ Name: 'TableName', Value: table }]
      : [{ Name: 'FunctionName', Value: 'mission-control-api' }],
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  };
}

/**
 * CloudWatch through aws-sdk-client-mock: GetMetricData answers hourly sums from `series` (oldest
 * first with ScanBy TimestampAscending, Complete status), DescribeAlarms pages `alarms` two at a time.
 */
export function mockCloudWatch(options: { series: Series; alarms: MetricAlarm[] }) {
  const mock = mockClient(CloudWatchClient);
  mock
    .on(GetMetricDataCommand)
    .callsFake(
      (input: { StartTime: Date; EndTime: Date; MetricDataQueries: MetricDataQuery[] }) => {
        const start = input.StartTime.getTime();
        const hours = Math.round((input.EndTime.getTime() - start) / 3600_000);
        return {
          MetricDataResults: input.MetricDataQueries.map((q) => {
            const { table, metric } = asked(q);
            const points = Array.from({ length: hours }, (_, h) => ({
              at: new Date(start + h * 3600_000),
              value: table && metric ? options.series(table, metric, h) : 0,
            })).filter((p) => p.value !== 0);
            return {
              Id: q.Id,
              Label: metric,
              Timestamps: points.map((p) => p.at),
              Values: points.map((p) => p.value),
              StatusCode: 'Complete',
            };
          }),
          Messages: [],
        };
      },
    );
  mock.on(DescribeAlarmsCommand).callsFake((input: { NextToken?: string }) => {
    const from = Number(input.NextToken ?? 0);
    const page = options.alarms.slice(from, from + 2);
    const next = from + 2 < options.alarms.length ? String(from + 2) : undefined;
    return { MetricAlarms: page, CompositeAlarms: [], ...(next ? { NextToken: next } : {}) };
  });
  return { mock };
}
