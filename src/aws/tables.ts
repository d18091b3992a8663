import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricAlarm,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableAlarm, TablesPort } from '../sdk/ports/index.ts';
import type { RegionalClients } from './clients.ts';
import { awsCall } from './errors.ts';

/** Metrics with more dimensions than TableName (SystemErrors has Operation): summed with SEARCH. */
const PER_OPERATION = new Set(['SystemErrors', 'UserErrors', 'SuccessfulRequestLatency']);

function query(table: string, metric: string, index: number, period: number): MetricDataQuery {
  const id = `m${index}`;
  if (PER_OPERATION.has(metric)) {
    const search = `SEARCH('{AWS/DynamoDB,TableName,Operation} MetricName="${metric}" TableName="${table}"', 'Sum', ${period})`;
    return { Id: id, Expression: `SUM(${search})`, Period: period, ReturnData: true };
  }
  return {
    Id: id,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/DynamoDB',
        MetricName: metric,
        Dimensions: [{ Name: 'TableName', Value: table }],
      },
      Period: period,
      Stat: 'Sum',
    },
  };
}

/** Places (timestamp, value) pairs into fixed periods from `start`, oldest first; gaps are 0. */
function bucket(
  start: number,
  periodMs: number,
  count: number,
  timestamps: Date[],
  values: number[],
): number[] {
  const out = new Array<number>(count).fill(0);
  timestamps.forEach((at, i) => {
    const slot = Math.floor((at.getTime() - start) / periodMs);
    if (slot >= 0 && slot < count) out[slot]! += values[i] ?? 0;
  });
  return out;
}

function namesTable(alarm: MetricAlarm, tables: Set<string>): string | undefined {
  const dimensions = [
    ...(alarm.Dimensions ?? []),
    ...(alarm.Metrics ?? []).flatMap((m) => m.MetricStat?.Metric?.Dimensions ?? []),
  ];
  return dimensions.find((d) => d.Name === 'TableName' && tables.has(d.Value ?? ''))?.Value;
}

export function tablesAdapter(clients: {
  dynamodb: RegionalClients<DynamoDBClient>;
  cloudwatch: RegionalClients<CloudWatchClient>;
}): TablesPort {
  const where = (table: string, region?: string) =>
    `table ${table} in ${region ?? clients.dynamodb.defaultRegion}`;
  return {
    async describe({ table, region }) {
      const out = await awsCall(
        { action: 'dynamodb:DescribeTable', resource: where(table, region) },
        () => clients.dynamodb(region).send(new DescribeTableCommand({ TableName: table })),
      );
      const t = out.Table ?? {};
      return {
        name: t.TableName ?? table,
        status: t.TableStatus ?? 'UNKNOWN',
        billingMode: t.BillingModeSummary?.BillingMode ?? 'PROVISIONED',
        itemCount: t.ItemCount ?? 0,
      };
    },
    async metrics({ table, region, metrics, hours, periodSeconds }) {
      const periodMs = periodSeconds * 1000;
      const end = Math.floor(Date.now() / periodMs) * periodMs;
      const start = end - hours * 3600_000;
      const count = Math.round((end - start) / periodMs);
      const series: Record<string, { at: Date[]; values: number[] }> = {};
      for (const m of metrics) series[m] = { at: [], values: [] };
      let next: string | undefined;
      do {
        const page = await awsCall(
          {
            action: 'cloudwatch:GetMetricData',
            resource: `the metrics of ${where(table, region)}`,
          },
          () =>
            clients.cloudwatch(region).send(
              new GetMetricDataCommand({
                StartTime: new Date(start),
                EndTime: new Date(end),
                ScanBy: 'TimestampAscending',
                NextToken: next,
                MetricDataQueries: metrics.map((m, i) => query(table, m, i, periodSeconds)),
              }),
            ),
        );
        for (const result of page.MetricDataResults ?? []) {
          const name = metrics[Number((result.Id ?? '').slice(1))];
          if (!name) continue;
          series[name]!.at.push(...(result.Timestamps ?? []));
          series[name]!.values.push(...(result.Values ?? []));
        }
        next = page.NextToken;
      } while (next);
      return Object.fromEntries(
        metrics.map((m) => [m, bucket(start, periodMs, count, series[m]!.at, series[m]!.values)]),
      );
    },
    async alarms({ tables, region }) {
      const wanted = new Set(tables);
      const found: Record<string, TableAlarm[]> = Object.fromEntries(tables.map((t) => [t, []]));
      let next: string | undefined;
      do {
        const page = await awsCall(
          {
            action: 'cloudwatch:DescribeAlarms',
            resource: `the alarms in ${region ?? clients.cloudwatch.defaultRegion}`,
          },
          () =>
            clients.cloudwatch(region).send(
              new DescribeAlarmsCommand({
                AlarmTypes: ['MetricAlarm'],
                NextToken: next,
                MaxRecords: 100,
              }),
            ),
        );
        for (const alarm of page.MetricAlarms ?? []) {
          const table = namesTable(alarm, wanted);
          if (!table) continue;
          found[table]!.push({
            name: alarm.AlarmName ?? '(unnamed)',
            state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
            metric:
              alarm.MetricName ??
              alarm.Metrics?.[0]?.MetricStat?.Metric?.MetricName ??
              'metric math',
          });
        }
        next = page.NextToken;
      } while (next);
      return found;
    },
  };
}
