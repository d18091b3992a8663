import { afterEach, describe, expect, it } from 'vitest';
import rdsSnapshotAge from '../../commands/rds-snapshot-age.ts';
import { awsAdapters } from '../../src/aws/adapters.ts';
import type { FileConfig } from '../../src/config/file.ts';
import type { IncidentsPort } from '../../src/sdk/index.ts';
import type { DeployHistoryPort } from '../../src/sdk/ports/index.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { mockRds } from '../helpers/rds-mock.ts';

/**
 * Drop §3.1's daily check: "RDS snapshot from last night: exists and < 24h old", verified with
 * `describe-db-snapshots … SnapshotType==automated`. A manual snapshot (a pre-deploy one that
 * `deploy --safe` took an hour ago) must not hide a night whose automated backup did not run.
 */

const noDeploys: DeployHistoryPort = { record: async () => {}, list: async () => [] };
let rds: ReturnType<typeof mockRds> | undefined;
afterEach(() => rds?.mock.restore());

function targets(): FileConfig['targets'] {
  const t = exampleConfig().targets as FileConfig['targets'] & { databases: unknown };
  t.databases = { 'drop-db': { instance_id: 'drop-db', region: 'eu-west-1' } };
  return t;
}

const ctx = (args: Record<string, string>) => ({
  args: rdsSnapshotAge.args.parse({ db: 'drop-db', ...args }),
  targets: targets(),
  ports: awsAdapters('us-east-1', { deploys: noDeploys }),
  request: {
    id: 'r',
    command: 'rds-snapshot-age',
    requester: 'U1',
    channel: 'C1',
    environment: 'prod',
  },
  incidents: { listOpen: async () => [] } as unknown as IncidentsPort,
});

/** Last night's automated backup did not run: the newest automated one is 29 h old. */
function noBackupLastNight() {
  rds = mockRds({ id: 'drop-db' });
  rds.state.snapshots.shift();
  rds.state.snapshots.push({
    DBSnapshotIdentifier: 'opsbot-drop-db-20261130-0900-a1b2c3',
    SnapshotType: 'manual',
    Status: 'available',
    PercentProgress: 100,
    SnapshotCreateTime: new Date(Date.now() - 1 * 3_600_000),
    TagList: [],
  });
}

describe('rds-snapshot-age checks the automated (nightly) snapshot, as the runbook does', () => {
  it('✗ when last night’s automated snapshot is missing, even with a fresh manual one', async () => {
    noBackupLastNight();
    const verdict = await rdsSnapshotAge.check!(ctx({ max: '24h' }));
    expect(verdict).toMatchObject({
      status: 'fail',
      reason: 'drop-db: latest snapshot 29.0 h old (max 24 h)',
    });
  });

  it('type=any counts manual snapshots too (the earlier behaviour, asked for by name)', async () => {
    noBackupLastNight();
    const verdict = await rdsSnapshotAge.check!(ctx({ max: '24h', type: 'any' }));
    expect(verdict).toMatchObject({ status: 'ok' });
    expect(verdict.reason).toContain('manual opsbot-drop-db-20261130-0900-a1b2c3');
  });

  it('✓ with last night’s automated snapshot', async () => {
    rds = mockRds({ id: 'drop-db' });
    expect(await rdsSnapshotAge.check!(ctx({}))).toMatchObject({
      status: 'ok',
      values: { age_hours: 5 },
    });
  });
});
