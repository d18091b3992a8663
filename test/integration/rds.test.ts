import { CreateDBClusterSnapshotCommand, CreateDBSnapshotCommand } from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotName } from '../../commands/rds/snapshot.ts';
import rdsSnapshot from '../../commands/rds-snapshot.ts';
import rdsSnapshotAge from '../../commands/rds-snapshot-age.ts';
import rdsStatus from '../../commands/rds-status.ts';
import { awsAdapters } from '../../src/aws/adapters.ts';
import type { FileConfig } from '../../src/config/file.ts';
import type { IncidentsPort } from '../../src/sdk/index.ts';
import type { DeployHistoryPort } from '../../src/sdk/ports/index.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { mockRds } from '../helpers/rds-mock.ts';
import { runCommand, stepContext } from '../helpers/step-context.ts';

const noDeploys: DeployHistoryPort = { record: async () => {}, list: async () => [] };

function targets(): FileConfig['targets'] {
  const t = exampleConfig().targets as FileConfig['targets'] & { databases: unknown };
  t.databases = {
    'drop-db': { instance_id: 'drop-db', region: 'eu-west-1', poll_interval_ms: 5 },
    ledger: { cluster_id: 'ledger-aurora', region: 'eu-west-1', poll_interval_ms: 5 },
  };
  return t;
}

describe('RDS commands (aws-sdk-client-mock, documented RDS shapes)', () => {
  const mocks: { mock: { restore(): void } }[] = [];
  afterEach(() => {
    for (const m of mocks.splice(0)) m.mock.restore();
  });
  const aws = () => awsAdapters('us-east-1', { deploys: noDeploys });
  const use = (m: ReturnType<typeof mockRds>) => {
    mocks.push(m);
    return m;
  };

  it('rds-status shows status, class, storage, free space, connections, snapshots and maintenance', async () => {
    const m = use(mockRds({ id: 'drop-db' }));
    m.state.maintenance = [{ Action: 'system-update', Description: 'New OS patch' }];
    const out = await runCommand(
      rdsStatus,
      { db: 'drop-db' },
      { targets: targets(), ports: aws() },
    );
    expect(out.posts[0]!.text).toBe('✓ drop-db: available');
    const card = JSON.stringify(out.posts[0]);
    for (const part of [
      'postgres 16.4',
      'db.t4g.micro',
      '20 GB gp3',
      '12.5 GB',
      '"17"',
      'rds:drop-db-2026-11-30-03-10',
      'Latest manual snapshot","none',
      'Pending maintenance: system-update (New OS patch)',
    ])
      expect(card).toContain(part);
  });

  it('rds-status warns under 2 GB free (the runbook threshold)', async () => {
    const m = use(mockRds({ id: 'drop-db' }));
    m.state.freeStorageBytes = 1.5 * 1024 ** 3;
    const out = await runCommand(
      rdsStatus,
      { db: 'drop-db' },
      { targets: targets(), ports: aws() },
    );
    expect(out.posts[0]!.text).toBe('⚠ drop-db: available');
    expect(JSON.stringify(out.posts[0])).toContain('⚠ 1.5 GB');
  });

  it('rds-snapshot creates a tagged, named snapshot and waits through PercentProgress to available', async () => {
    const m = use(mockRds({ id: 'drop-db' }));
    m.state.progress = [0, 35, 80];
    const out = await runCommand(
      rdsSnapshot,
      { db: 'drop-db', reason: 'before deploy 9f3c2ab' },
      { targets: targets(), ports: aws(), requestId: 'req_3f9a1c2d00aa11bb', requester: 'U0ALICE' },
    );
    const input = m.rds.commandCalls(CreateDBSnapshotCommand)[0]!.args[0].input;
    expect(input.DBInstanceIdentifier).toBe('drop-db');
    expect(input.DBSnapshotIdentifier).toMatch(/^opsbot-drop-db-\d{8}-\d{4}-3f9a1c2d$/);
    expect(input.Tags).toEqual([
      { Key: 'opsbot:request-id', Value: 'req_3f9a1c2d00aa11bb' },
      { Key: 'opsbot:requester', Value: 'U0ALICE' },
      { Key: 'opsbot:reason', Value: 'before deploy 9f3c2ab' },
    ]);
    expect(out.progress).toEqual(['creating 35 %', 'creating 80 %', 'available']);
    expect(out.results['wait-snapshot']).toMatchObject({ status: 'available' });
    expect(out.records.map((r) => r.event)).toEqual([
      'rds.snapshot_started',
      'rds.snapshot_available',
    ]);
  });

  it('a snapshot that fails fails the run, saying the database is unchanged', async () => {
    const m = use(mockRds({ id: 'drop-db' }));
    m.state.finalStatus = 'failed';
    await expect(
      runCommand(rdsSnapshot, { db: 'drop-db' }, { targets: targets(), ports: aws() }),
    ).rejects.toThrow(/is failed; the database itself is unchanged/);
  });

  it('a retry after a crash adopts its own snapshot (DBSnapshotAlreadyExists) instead of a second one', async () => {
    const m = use(mockRds({ id: 'drop-db' }));
    const requestId = 'req_77aa88bb99cc0011';
    const first = stepContext({
      command: rdsSnapshot,
      args: { db: 'drop-db' },
      ports: aws(),
      targets: targets(),
      requestId,
    });
    await first.runStep('snapshot-name');
    await first.runStep('create-snapshot');
    expect(m.state.creates).toBe(1);
    // The worker died after CreateDBSnapshot, before its checkpoint: the retry runs the step again.
    const retry = stepContext({
      command: rdsSnapshot,
      args: { db: 'drop-db' },
      ports: aws(),
      targets: targets(),
      requestId,
      done: { 'snapshot-name': first.ctx.results['snapshot-name'] },
    });
    await retry.runAll();
    expect(m.state.creates).toBe(1);
    expect(retry.ctx.results['create-snapshot']).toMatchObject({ adopted: true });
    expect(retry.ctx.results['wait-snapshot']).toMatchObject({ status: 'available' });
  });

  it('adopts on DBSnapshotAlreadyExists only a snapshot tagged with this request', async () => {
    const m = use(mockRds({ id: 'drop-db' }));
    const name = snapshotName('drop-db', 'req_0123456789abcdef', new Date());
    m.state.snapshots.unshift({
      DBSnapshotIdentifier: name,
      SnapshotType: 'manual',
      Status: 'available',
      SnapshotCreateTime: new Date(),
      TagList: [{ Key: 'opsbot:request-id', Value: 'req_someone_else' }],
    });
    const run = stepContext({
      command: rdsSnapshot,
      args: { db: 'drop-db' },
      ports: aws(),
      targets: targets(),
    });
    run.ctx.results['snapshot-name'] = { snapshotId: name };
    await expect(run.runStep('create-snapshot')).rejects.toThrow(/was not made by this request/);
    expect(m.rds.commandCalls(CreateDBSnapshotCommand)).toHaveLength(0);
  });

  it('an Aurora cluster gets CreateDBClusterSnapshot', async () => {
    const m = use(mockRds({ id: 'ledger-aurora', cluster: true }));
    const out = await runCommand(
      rdsSnapshot,
      { db: 'ledger' },
      { targets: targets(), ports: aws() },
    );
    expect(m.rds.commandCalls(CreateDBClusterSnapshotCommand)[0]!.args[0].input).toMatchObject({
      DBClusterIdentifier: 'ledger-aurora',
    });
    expect(out.results['wait-snapshot']).toMatchObject({ status: 'available' });
  });

  it('rds-snapshot-age: ✓ within max, ✗ past it, across snapshot pages', async () => {
    use(mockRds({ id: 'drop-db' }));
    const ctx = (max?: string) => ({
      args: rdsSnapshotAge.args.parse({ db: 'drop-db', ...(max ? { max } : {}) }),
      targets: targets(),
      ports: aws(),
      request: {
        id: 'r',
        command: 'rds-snapshot-age',
        requester: 'U1',
        channel: 'C1',
        environment: 'prod',
      },
      incidents: { listOpen: async () => [] } as unknown as IncidentsPort,
    });
    expect(await rdsSnapshotAge.check!(ctx())).toMatchObject({
      status: 'ok',
      values: { age_hours: 5 },
    });
    const late = await rdsSnapshotAge.check!(ctx('4h'));
    expect(late).toMatchObject({
      status: 'fail',
      reason: 'drop-db: latest snapshot 5.0 h old (max 4 h)',
    });
    expect(rdsSnapshotAge.readOnly).toBe(true);
  });

  it('refuses an unknown database by name, listing the known ones', async () => {
    await expect(
      runCommand(rdsStatus, { db: 'nope' }, { targets: targets(), ports: aws() }),
    ).rejects.toThrow('db: no database named nope (known: drop-db, ledger)');
  });
});
