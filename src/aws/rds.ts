import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  type DBClusterSnapshot,
  type DBSnapshot,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribePendingMaintenanceActionsCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  type RDSClient,
  type Tag,
} from '@aws-sdk/client-rds';
import { UserError } from '../sdk/errors.ts';
import type {
  DatabaseInfo,
  DatabaseRef,
  DbSnapshot,
  PendingMaintenance,
  RdsPort,
} from '../sdk/ports/rds.ts';
import type { RegionalClients } from './clients.ts';
import { awsCall, explainAwsError } from './errors.ts';

/** ARNs an IAM policy names (account unknown here: `*`). */
export function rdsArn(region: string, db: Pick<DatabaseRef, 'kind' | 'id'>, account = '*') {
  return `arn:aws:rds:${region}:${account}:${db.kind === 'cluster' ? 'cluster' : 'db'}:${db.id}`;
}
export function rdsSnapshotArn(region: string, kind: DatabaseRef['kind'], name: string) {
  return `arn:aws:rds:${region}:*:${kind === 'cluster' ? 'cluster-snapshot' : 'snapshot'}:${name}`;
}

const iso = (d: Date | undefined) => d?.toISOString();
const tagsOf = (list: Tag[] | undefined) =>
  Object.fromEntries((list ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? '']));
const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

function snapshotOf(s: DBSnapshot | DBClusterSnapshot): DbSnapshot {
  const both = s as DBSnapshot & DBClusterSnapshot;
  const id = both.DBSnapshotIdentifier ?? both.DBClusterSnapshotIdentifier;
  const arn = both.DBSnapshotArn ?? both.DBClusterSnapshotArn;
  const created = iso(s.SnapshotCreateTime);
  return {
    id: id ?? '',
    ...(arn ? { arn } : {}),
    status: s.Status ?? 'unknown',
    ...(s.PercentProgress !== undefined ? { percentProgress: s.PercentProgress } : {}),
    type: s.SnapshotType ?? 'unknown',
    ...(created ? { createdAt: created } : {}),
    tags: tagsOf(s.TagList),
  };
}

const newest = (list: DbSnapshot[]) =>
  list
    .filter((s) => s.createdAt)
    .sort((a, b) => Date.parse(b.createdAt!) - Date.parse(a.createdAt!))[0];

const ALREADY_EXISTS = /^DB(Cluster)?SnapshotAlreadyExists/;
const NOT_FOUND = /^DB(Cluster)?SnapshotNotFound/;

/** The RDS port with the SDK: instances and Aurora clusters, CloudWatch for storage and connections. */
export function rdsAdapter(clients: {
  rds: RegionalClients<RDSClient>;
  cloudwatch: RegionalClients<CloudWatchClient>;
}): RdsPort {
  const region = (db: DatabaseRef) => db.region ?? clients.rds.defaultRegion;
  const where = (db: DatabaseRef) => rdsArn(region(db), db);
  const rds = (db: DatabaseRef) => clients.rds(db.region);

  /** Every snapshot page of this database of one type (at most 20 pages of 100). */
  async function snapshots(db: DatabaseRef, type: string): Promise<DbSnapshot[]> {
    const found: DbSnapshot[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      if (db.kind === 'instance') {
        const page = await awsCall({ action: 'rds:DescribeDBSnapshots', resource: where(db) }, () =>
          rds(db).send(
            new DescribeDBSnapshotsCommand({
              DBInstanceIdentifier: db.id,
              SnapshotType: type,
              MaxRecords: 100,
              Marker: marker,
            }),
          ),
        );
        found.push(...(page.DBSnapshots ?? []).map(snapshotOf));
        marker = page.Marker;
      } else {
        const page = await awsCall(
          { action: 'rds:DescribeDBClusterSnapshots', resource: where(db) },
          () =>
            rds(db).send(
              new DescribeDBClusterSnapshotsCommand({
                DBClusterIdentifier: db.id,
                SnapshotType: type,
                MaxRecords: 100,
                Marker: marker,
              }),
            ),
        );
        found.push(...(page.DBClusterSnapshots ?? []).map(snapshotOf));
        marker = page.Marker;
      }
      pages += 1;
    } while (marker && pages < 20);
    return found;
  }

  async function getSnapshot(db: DatabaseRef, snapshotId: string) {
    const site = {
      action: db.kind === 'instance' ? 'rds:DescribeDBSnapshots' : 'rds:DescribeDBClusterSnapshots',
      resource: rdsSnapshotArn(region(db), db.kind, snapshotId),
    };
    try {
      if (db.kind === 'instance') {
        const out = await rds(db).send(
          new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotId }),
        );
        const s = out.DBSnapshots?.[0];
        return s ? snapshotOf(s) : undefined;
      }
      const out = await rds(db).send(
        new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshotId }),
      );
      const s = out.DBClusterSnapshots?.[0];
      return s ? snapshotOf(s) : undefined;
    } catch (error) {
      if (NOT_FOUND.test((error as Error).name ?? '')) return undefined;
      throw explainAwsError(error, site);
    }
  }

  return {
    async describe(db): Promise<DatabaseInfo> {
      if (db.kind === 'instance') {
        const out = await awsCall({ action: 'rds:DescribeDBInstances', resource: where(db) }, () =>
          rds(db).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: db.id })),
        );
        const i = out.DBInstances?.[0];
        if (!i)
          throw new UserError('aws_not_found', `no such RDS instance ${db.id} in ${region(db)}`);
        return {
          id: db.id,
          kind: 'instance',
          arn: i.DBInstanceArn ?? where(db),
          status: i.DBInstanceStatus ?? 'unknown',
          engine: i.Engine ?? 'unknown',
          ...(i.EngineVersion ? { engineVersion: i.EngineVersion } : {}),
          ...(i.DBInstanceClass ? { instanceClass: i.DBInstanceClass } : {}),
          ...(i.AllocatedStorage !== undefined ? { allocatedStorageGb: i.AllocatedStorage } : {}),
          ...(i.StorageType ? { storageType: i.StorageType } : {}),
          ...(i.MultiAZ !== undefined ? { multiAz: i.MultiAZ } : {}),
          ...(i.Endpoint?.Address ? { endpoint: `${i.Endpoint.Address}:${i.Endpoint.Port}` } : {}),
          pendingModified: Object.entries(i.PendingModifiedValues ?? {})
            .filter(([, v]) => v !== undefined)
            .map(([k]) => k),
        };
      }
      const out = await awsCall({ action: 'rds:DescribeDBClusters', resource: where(db) }, () =>
        rds(db).send(new DescribeDBClustersCommand({ DBClusterIdentifier: db.id })),
      );
      const c = out.DBClusters?.[0];
      if (!c)
        throw new UserError('aws_not_found', `no such Aurora cluster ${db.id} in ${region(db)}`);
      return {
        id: db.id,
        kind: 'cluster',
        arn: c.DBClusterArn ?? where(db),
        status: c.Status ?? 'unknown',
        engine: c.Engine ?? 'unknown',
        ...(c.EngineVersion ? { engineVersion: c.EngineVersion } : {}),
        ...(c.DBClusterInstanceClass ? { instanceClass: c.DBClusterInstanceClass } : {}),
        ...(c.StorageType ? { storageType: c.StorageType } : {}),
        ...(c.MultiAZ !== undefined ? { multiAz: c.MultiAZ } : {}),
        ...(c.Endpoint ? { endpoint: `${c.Endpoint}:${c.Port}` } : {}),
      };
    },

    async pendingMaintenance(db): Promise<PendingMaintenance[]> {
      // Pages with Marker: a page may be short, even empty, while Marker is still set.
      const found: PendingMaintenance[] = [];
      let marker: string | undefined;
      do {
        const out = await awsCall(
          { action: 'rds:DescribePendingMaintenanceActions', resource: where(db) },
          () =>
            rds(db).send(
              new DescribePendingMaintenanceActionsCommand({
                Filters: [
                  {
                    Name: db.kind === 'instance' ? 'db-instance-id' : 'db-cluster-id',
                    Values: [db.id],
                  },
                ],
                Marker: marker,
              }),
            ),
        );
        for (const r of out.PendingMaintenanceActions ?? []) {
          for (const d of r.PendingMaintenanceActionDetails ?? []) {
            found.push({
              action: d.Action ?? 'unknown',
              ...(d.Description ? { description: d.Description } : {}),
              ...(d.AutoAppliedAfterDate ? { autoAppliedAfter: iso(d.AutoAppliedAfterDate) } : {}),
              ...(d.ForcedApplyDate ? { forcedApplyDate: iso(d.ForcedApplyDate) } : {}),
              ...(d.CurrentApplyDate ? { currentApplyDate: iso(d.CurrentApplyDate) } : {}),
            });
          }
        }
        marker = out.Marker;
      } while (marker);
      return found;
    },

    async metrics(db) {
      const dimension = {
        Name: db.kind === 'instance' ? 'DBInstanceIdentifier' : 'DBClusterIdentifier',
        Value: db.id,
      };
      const metric = (id: string, name: string) => ({
        Id: id,
        MetricStat: {
          Metric: { Namespace: 'AWS/RDS', MetricName: name, Dimensions: [dimension] },
          Period: 300,
          Stat: 'Average',
        },
        ReturnData: true,
      });
      const end = new Date();
      const out = await awsCall({ action: 'cloudwatch:GetMetricData', resource: where(db) }, () =>
        clients.cloudwatch(db.region).send(
          new GetMetricDataCommand({
            StartTime: new Date(end.getTime() - 3_600_000),
            EndTime: end,
            ScanBy: 'TimestampDescending',
            MetricDataQueries: [
              metric('free', 'FreeStorageSpace'),
              metric('conn', 'DatabaseConnections'),
            ],
          }),
        ),
      );
      const latest = (id: string) => out.MetricDataResults?.find((r) => r.Id === id)?.Values?.[0];
      const free = latest('free');
      const connections = latest('conn');
      return {
        ...(free !== undefined ? { freeStorageBytes: free } : {}),
        ...(connections !== undefined ? { connections } : {}),
      };
    },

    latestSnapshot: async (db, type) => newest(await snapshots(db, type)),

    getSnapshot,

    async findSnapshotByTag(db, key, value) {
      return newest((await snapshots(db, 'manual')).filter((s) => s.tags[key] === value));
    },

    async createSnapshot(db, { snapshotId, tags }) {
      const action =
        db.kind === 'instance' ? 'rds:CreateDBSnapshot' : 'rds:CreateDBClusterSnapshot';
      try {
        if (db.kind === 'instance') {
          const out = await rds(db).send(
            new CreateDBSnapshotCommand({
              DBInstanceIdentifier: db.id,
              DBSnapshotIdentifier: snapshotId,
              Tags: tagList(tags),
            }),
          );
          return { created: snapshotOf(out.DBSnapshot ?? { DBSnapshotIdentifier: snapshotId }) };
        }
        const out = await rds(db).send(
          new CreateDBClusterSnapshotCommand({
            DBClusterIdentifier: db.id,
            DBClusterSnapshotIdentifier: snapshotId,
            Tags: tagList(tags),
          }),
        );
        return {
          created: snapshotOf(out.DBClusterSnapshot ?? { DBClusterSnapshotIdentifier: snapshotId }),
        };
      } catch (error) {
        if (ALREADY_EXISTS.test((error as Error).name ?? '')) {
          const existing = await getSnapshot(db, snapshotId);
          if (existing) return { exists: existing };
        }
        throw explainAwsError(error, { action, resource: where(db) });
      }
    },

    async setMasterPassword(db, password) {
      if (db.kind === 'instance') {
        await awsCall({ action: 'rds:ModifyDBInstance', resource: where(db) }, () =>
          rds(db).send(
            new ModifyDBInstanceCommand({
              DBInstanceIdentifier: db.id,
              MasterUserPassword: password,
              ApplyImmediately: true,
            }),
          ),
        );
        return;
      }
      await awsCall({ action: 'rds:ModifyDBCluster', resource: where(db) }, () =>
        rds(db).send(
          new ModifyDBClusterCommand({
            DBClusterIdentifier: db.id,
            MasterUserPassword: password,
            ApplyImmediately: true,
          }),
        ),
      );
    },
  };
}
