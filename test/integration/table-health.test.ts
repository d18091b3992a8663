import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tableHealth, { sparkline } from '../../commands/table-health.ts';
import { awsAdapters } from '../../src/aws/adapters.ts';
import { metricAlarm, mockCloudWatch } from '../helpers/cloudwatch-mock.ts';
import { startDynalite } from '../helpers/dynalite.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { runCommand } from '../helpers/step-context.ts';

describe('table-health: DescribeTable on dynalite, CloudWatch through aws-sdk-client-mock', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let cw: ReturnType<typeof mockCloudWatch>;
  beforeAll(async () => {
    db = await startDynalite();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    for (const t of ['spaceduck-eggs', 'spaceduck-ducklings', 'spaceduck-connections'])
      await db.createTable(t);
    await db.createTable('spaceduck-audit', { provisioned: true });
    // spaceduck-certs is missing on purpose.
    cw = mockCloudWatch({
      series: (table, metric, hour) =>
        metric === 'SystemErrors'
          ? table === 'spaceduck-ducklings' && hour === 20
            ? 3
            : 0
          : (hour % 6) * 10,
      alarms: [
        metricAlarm('eggs-throttles', 'spaceduck-eggs', 'OK'),
        metricAlarm('lambda-errors', undefined, 'ALARM', 'Errors'),
        metricAlarm('connections-throttles', 'spaceduck-connections', 'ALARM'),
        metricAlarm('other-table', 'someone-elses-table', 'ALARM'),
      ],
    });
  });
  afterAll(async () => {
    cw.mock.restore();
    await db.stop();
  });

  const aws = () =>
    awsAdapters('us-east-1', { deploys: { record: async () => {}, list: async () => [] } });

  it('posts one card with ✓, ⚠ or ✗ per table and the reason for each', async () => {
    const out = await runCommand(
      tableHealth,
      {},
      { targets: exampleConfig().targets, ports: aws() },
    );
    expect(out.plan?.summary).toBe('check 5 tables in us-east-1');
    expect(out.posts).toHaveLength(1);
    const card = JSON.stringify(out.posts[0]);
    expect(out.posts[0]!.text).toBe('Table health: 1 ✓ · 1 ⚠ · 3 ✗ (last 24 h)');
    expect(card).toContain('✓ *spaceduck-eggs* — ACTIVE · PAY_PER_REQUEST · 0 items');
    expect(card).toContain('✗ *spaceduck-ducklings*');
    expect(card).toContain('SystemErrors 3 in 24 h');
    expect(card).toContain('no such table spaceduck-certs in us-east-1');
    expect(card).toContain('alarm connections-throttles in ALARM');
    expect(card).toContain('⚠ *spaceduck-audit*');
    expect(card).toContain('billing PROVISIONED, not PAY_PER_REQUEST');
    expect(card).not.toContain('lambda-errors');
    expect(card).not.toContain('other-table');
    expect(card).toContain(sparkline(Array.from({ length: 24 }, (_, h) => (h % 6) * 10)));
  });

  it('checks only the tables named, by full name or suffix', async () => {
    const out = await runCommand(
      tableHealth,
      { tables: 'eggs spaceduck-audit' },
      { targets: exampleConfig().targets, ports: aws() },
    );
    expect(out.plan?.details).toEqual(['spaceduck-eggs', 'spaceduck-audit']);
    expect(out.results.report).toEqual({ ok: 1, warn: 1, fail: 0 });
  });

  it('refuses a table that is not configured', async () => {
    await expect(
      runCommand(
        tableHealth,
        { tables: 'prod-users' },
        { targets: exampleConfig().targets, ports: aws() },
      ),
    ).rejects.toThrow('prod-users is not a configured table');
  });

  it('draws a sparkline scaled to the largest value', () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe('▁▁▂▄█');
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
  });
});
