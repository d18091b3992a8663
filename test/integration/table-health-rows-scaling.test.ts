import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tableHealth, { configured } from '../../commands/table-health.ts';
import { awsAdapters } from '../../src/aws/adapters.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { metricAlarm, mockCloudWatch } from '../helpers/cloudwatch-mock.ts';
import { startDynalite } from '../helpers/dynalite.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { jsonEndpoint } from '../helpers/json-endpoint.ts';
import { runCommand } from '../helpers/step-context.ts';

/**
 * Playbook 4 steps 4 and 5: live row counts from the app's `GET /beak/system/status` (a local
 * server) beside ItemCount, with the change since the last run; DynamoDB auto scaling's alarms
 * (documented names `TargetTracking-table/<table>-AlarmHigh-<uuid>`, actions only Application
 * Auto Scaling policies) listed as "scaling" and never ✗; metric-math alarms naming the table read.
 */

const POLICY =
  'arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:6d8972f3-7e45-4e3c-b6ad-1c5e5d9b1a2b:resource/dynamodb/table/spaceduck-eggs:policyName/$spaceduck-eggs-scaling-policy';

function scalingAlarm(name: string, table: string): MetricAlarm {
  return {
    ...metricAlarm(name, table, 'ALARM', 'ConsumedReadCapacityUnits'),
    AlarmActions: [POLICY],
  };
}

function mathAlarm(name: string, table: string, state: string, search = false): MetricAlarm {
  const {
    MetricName: _m,
    Namespace: _n,
    Statistic: _s,
    Dimensions: _d,
    Period: _p,
    ...base
  } = metricAlarm(name, table, state);
  return {
    ...base,
    Metrics: search
      ? [
          {
            Id: 'e1',
            Expression: `SUM(SEARCH('{AWS/DynamoDB,TableName,Operation} MetricName="SystemErrors" TableName="${table}"', 'Sum', 300))`,
            ReturnData: true,
          },
        ]
      : [
          {
            Id: 'm1',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/DynamoDB',
                MetricName: 'ThrottledRequests',
                Dimensions: [{ Name: 'TableName', Value: table }],
              },
              Period: 300,
              Stat: 'Sum',
            },
            ReturnData: false,
          },
          { Id: 'e1', Expression: 'm1 * 2', ReturnData: true },
        ],
  };
}

describe('table-health: live rows and auto-scaling alarms', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let cw: ReturnType<typeof mockCloudWatch>;
  let status: Awaited<ReturnType<typeof jsonEndpoint>>;
  let counts: Record<string, unknown>;
  let targets: FileConfig['targets'];
  const saved = { ...process.env };

  beforeAll(async () => {
    db = await startDynalite();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    for (const t of ['spaceduck-eggs', 'spaceduck-ducklings', 'spaceduck-certs'])
      await db.createTable(t);
    cw = mockCloudWatch({
      series: () => 0,
      alarms: [
        scalingAlarm(
          'TargetTracking-table/spaceduck-eggs-AlarmLow-5a0b3b1e-8a6c-4d57-9f8e-0f6c2b8e7d11',
          'spaceduck-eggs',
        ),
        scalingAlarm('eggs-read-scaling-custom', 'spaceduck-eggs'),
        mathAlarm('ducklings-throttle-math', 'spaceduck-ducklings', 'ALARM'),
        mathAlarm('certs-errors-search', 'spaceduck-certs', 'ALARM', true),
      ],
    });
    status = await jsonEndpoint((req) =>
      req.path === '/beak/system/status'
        ? { status: 200, json: { status: 'ok', database: counts } }
        : { status: 404, json: {} },
    );
    targets = exampleConfig().targets;
    targets.table_health = {
      ...configured(targets),
      tables: ['spaceduck-eggs', 'spaceduck-ducklings', 'spaceduck-certs'],
      status_url: `${status.url}/beak/system/status`,
    };
  });
  afterAll(async () => {
    process.env = { ...saved };
    cw.mock.restore();
    await status.close();
    await db.stop();
  });

  const aws = () =>
    awsAdapters('us-east-1', { deploys: { record: async () => {}, list: async () => [] } });

  it('lists auto-scaling alarms apart as "scaling", never ✗; metric-math alarms naming a table count', async () => {
    counts = { eggs: 10, ducklings: { count: 4 }, 'spaceduck-certs': 7 };
    const out = await runCommand(tableHealth, {}, { targets, ports: aws(), memory: new Map() });
    const card = JSON.stringify(out.posts[0]);
    expect(card).toContain('✓ *spaceduck-eggs*');
    expect(card).toContain(
      'scaling TargetTracking-table/spaceduck-eggs-AlarmLow-5a0b3b1e-8a6c-4d57-9f8e-0f6c2b8e7d11 ALARM, eggs-read-scaling-custom ALARM',
    );
    expect(card).toContain('alarm ducklings-throttle-math in ALARM');
    expect(card).toContain('alarm certs-errors-search in ALARM');
    expect(out.results.report).toEqual({ ok: 1, warn: 0, fail: 2 });
  });

  it('shows live rows beside ItemCount (up to 6 h old) and the change since the last run', async () => {
    const memory = new Map<string, unknown>();
    counts = { eggs: 10, ducklings: 4, certs: 7 };
    const first = await runCommand(tableHealth, {}, { targets, ports: aws(), memory });
    const firstCard = JSON.stringify(first.posts[0]);
    expect(firstCard).toContain('0 items (ItemCount) · 10 rows live');
    expect(firstCard).toContain('refreshes about every 6 hours');
    counts = { eggs: 25, ducklings: 1, certs: 7 };
    const second = await runCommand(tableHealth, {}, { targets, ports: aws(), memory });
    const card = JSON.stringify(second.posts[0]);
    expect(card).toMatch(/25 rows live \(\+15 since \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
    expect(card).toMatch(/1 rows live \(-3 since /);
    expect(card).toMatch(/7 rows live \(\+0 since /);
  });

  it('says why live rows are missing when the status endpoint fails', async () => {
    const broken = structuredClone(targets);
    broken.table_health = { ...configured(targets), status_url: `${status.url}/nowhere` };
    const out = await runCommand(
      tableHealth,
      {},
      { targets: broken, ports: aws(), memory: new Map() },
    );
    expect(JSON.stringify(out.posts[0])).toContain('Live rows unavailable');
  });
});
