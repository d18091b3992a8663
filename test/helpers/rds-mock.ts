import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  type DBSnapshot,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribePendingMaintenanceActionsCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';

const ACCOUNT = '324480209768';

const fault = (name: string, message: string) =>
  Object.assign(new Error(message), {
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: name.includes('NotFound') ? 404 : 400 },
  });

/**
 * One RDS instance (or Aurora cluster) answered through aws-sdk-client-mock with RDS's documented
 * shapes: DescribeDBInstances / DescribeDBClusters, snapshots that go `creating` with rising
 * `PercentProgress` (one `progress` step per Describe) and then `available` (or `failed`),
 * `DBSnapshotAlreadyExists` for a taken identifier, pending maintenance, and CloudWatch
 * FreeStorageSpace / DatabaseConnections.
 */
export function mockRds(options: { id: string; region?: string; cluster?: boolean }) {
  const rds = mockClient(RDSClient);
  const cloudwatch = mockClient(CloudWatchClient);
  const region = options.region ?? 'eu-west-1';
  const cluster = options.cluster ?? false;
  const state = {
    status: 'available',
    /** PercentProgress values a new snapshot reports, one per Describe, then `finalStatus`. */
    progress: [0, 40, 100],
    finalStatus: 'available',
    freeStorageBytes: (12.5 * 1024 ** 3) as number | undefined,
    connections: 17,
    creates: 0,
    /** Throw from the create call after storing the snapshot (a worker that dies mid-call). */
    passwords: [] as string[],
    denyModify: false,
    snapshots: [
      {
        DBSnapshotIdentifier: `rds:${options.id}-2026-11-30-03-10`,
        SnapshotType: 'automated',
        Status: 'available',
        PercentProgress: 100,
        SnapshotCreateTime: new Date(Date.now() - 5 * 3_600_000),
        TagList: [],
      },
      {
        DBSnapshotIdentifier: `rds:${options.id}-2026-11-29-03-10`,
        SnapshotType: 'automated',
        Status: 'available',
        PercentProgress: 100,
        SnapshotCreateTime: new Date(Date.now() - 29 * 3_600_000),
        TagList: [],
      },
    ] as (DBSnapshot & { polls?: number })[],
    maintenance: [] as { Action: string; Description?: string; AutoAppliedAfterDate?: Date }[],
  };
  const snapshotArn = (name: string) =>
    `arn:aws:rds:${region}:${ACCOUNT}:${cluster ? 'cluster-snapshot' : 'snapshot'}:${name}`;
  const advance = (s: DBSnapshot & { polls?: number }) => {
    if (s.Status !== 'creating') return;
    s.polls = (s.polls ?? 0) + 1;
    if (s.polls < state.progress.length) s.PercentProgress = state.progress[s.polls];
    else {
      s.Status = state.finalStatus;
      if (s.Status === 'available') s.PercentProgress = 100;
    }
  };
  const asCluster = (s: DBSnapshot) => ({
    DBClusterSnapshotIdentifier: s.DBSnapshotIdentifier,
    DBClusterIdentifier: options.id,
    DBClusterSnapshotArn: snapshotArn(s.DBSnapshotIdentifier!),
    SnapshotType: s.SnapshotType,
    Status: s.Status,
    PercentProgress: s.PercentProgress,
    SnapshotCreateTime: s.SnapshotCreateTime,
    Engine: 'aurora-postgresql',
    TagList: s.TagList,
  });
  const asInstance = (s: DBSnapshot) => ({
    ...s,
    DBInstanceIdentifier: options.id,
    DBSnapshotArn: snapshotArn(s.DBSnapshotIdentifier!),
    Engine: 'postgres',
  });
  const page = <T>(items: T[], marker: string | undefined, max = 100) => {
    const start = marker ? Number(marker) : 0;
    const slice = items.slice(start, start + Math.min(max, 2)); // 2 per page: pagination is exercised
    const next = start + slice.length < items.length ? String(start + slice.length) : undefined;
    return { slice, next };
  };
  const describe = (input: {
    identifier?: string;
    owner?: string;
    type?: string;
    marker?: string;
  }) => {
    if (input.identifier) {
      const s = state.snapshots.find((x) => x.DBSnapshotIdentifier === input.identifier);
      if (!s)
        throw fault(
          cluster ? 'DBClusterSnapshotNotFoundFault' : 'DBSnapshotNotFoundFault',
          `${input.identifier} not found.`,
        );
      advance(s);
      return { slice: [s], next: undefined };
    }
    if (input.owner !== options.id) return { slice: [], next: undefined };
    const list = state.snapshots.filter((s) => !input.type || s.SnapshotType === input.type);
    for (const s of list) advance(s);
    return page(list, input.marker);
  };
  const create = (identifier: string, tags: { Key?: string; Value?: string }[] | undefined) => {
    if (state.snapshots.some((s) => s.DBSnapshotIdentifier === identifier))
      throw fault(
        cluster ? 'DBClusterSnapshotAlreadyExistsFault' : 'DBSnapshotAlreadyExistsFault',
        `Cannot create the snapshot because a snapshot with the identifier ${identifier} already exists.`,
      );
    state.creates += 1;
    const s = {
      DBSnapshotIdentifier: identifier,
      SnapshotType: 'manual',
      Status: 'creating',
      PercentProgress: state.progress[0],
      SnapshotCreateTime: new Date(),
      TagList: tags ?? [],
    };
    state.snapshots.unshift(s);
    return s;
  };

  if (cluster) {
    rds.on(DescribeDBClustersCommand).callsFake((input: { DBClusterIdentifier?: string }) => {
      if (input.DBClusterIdentifier !== options.id)
        throw fault('DBClusterNotFoundFault', `DBCluster ${input.DBClusterIdentifier} not found.`);
      return {
        DBClusters: [
          {
            DBClusterIdentifier: options.id,
            DBClusterArn: `arn:aws:rds:${region}:${ACCOUNT}:cluster:${options.id}`,
            Status: state.status,
            Engine: 'aurora-postgresql',
            EngineVersion: '16.4',
            AllocatedStorage: 1,
            StorageType: 'aurora',
            MultiAZ: true,
            Endpoint: `${options.id}.cluster-czu2qe4quy4v.${region}.rds.amazonaws.com`,
            Port: 5432,
          },
        ],
      };
    });
    rds.on(DescribeDBClusterSnapshotsCommand).callsFake((input) => {
      const { slice, next } = describe({
        identifier: input.DBClusterSnapshotIdentifier,
        owner: input.DBClusterIdentifier,
        type: input.SnapshotType,
        marker: input.Marker,
      });
      return { DBClusterSnapshots: slice.map(asCluster), Marker: next };
    });
    rds.on(CreateDBClusterSnapshotCommand).callsFake((input) => ({
      DBClusterSnapshot: asCluster(create(input.DBClusterSnapshotIdentifier!, input.Tags)),
    }));
    rds.on(ModifyDBClusterCommand).callsFake((input) => {
      if (state.denyModify) throw fault('AccessDenied', 'not authorized');
      state.passwords.push(input.MasterUserPassword!);
      state.status = 'resetting-master-credentials';
      return { DBCluster: { DBClusterIdentifier: options.id, Status: 'available' } };
    });
  } else {
    rds.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier?: string }) => {
      if (input.DBInstanceIdentifier !== options.id)
        throw fault(
          'DBInstanceNotFoundFault',
          `DBInstance ${input.DBInstanceIdentifier} not found.`,
        );
      const status = state.status;
      // A modification shows for one Describe, then the instance is available again.
      if (state.status !== 'available') state.status = 'available';
      return {
        DBInstances: [
          {
            DBInstanceIdentifier: options.id,
            DBInstanceArn: `arn:aws:rds:${region}:${ACCOUNT}:db:${options.id}`,
            DBInstanceClass: 'db.t4g.micro',
            Engine: 'postgres',
            EngineVersion: '16.4',
            DBInstanceStatus: status,
            AllocatedStorage: 20,
            StorageType: 'gp3',
            MultiAZ: false,
            Endpoint: {
              Address: `${options.id}.czu2qe4quy4v.${region}.rds.amazonaws.com`,
              Port: 5432,
            },
          },
        ],
      };
    });
    rds.on(DescribeDBSnapshotsCommand).callsFake((input) => {
      const { slice, next } = describe({
        identifier: input.DBSnapshotIdentifier,
        owner: input.DBInstanceIdentifier,
        type: input.SnapshotType,
        marker: input.Marker,
      });
      return { DBSnapshots: slice.map(asInstance), Marker: next };
    });
    rds.on(CreateDBSnapshotCommand).callsFake((input) => ({
      DBSnapshot: asInstance(create(input.DBSnapshotIdentifier!, input.Tags)),
    }));
    rds.on(ModifyDBInstanceCommand).callsFake((input) => {
      if (state.denyModify) throw fault('AccessDenied', 'not authorized');
      state.passwords.push(input.MasterUserPassword!);
      state.status = 'resetting-master-credentials';
      return {
        DBInstance: {
          DBInstanceIdentifier: options.id,
          DBInstanceStatus: 'available',
          PendingModifiedValues: { MasterUserPassword: '****' },
        },
      };
    });
  }
  rds.on(DescribePendingMaintenanceActionsCommand).callsFake(() => ({
    PendingMaintenanceActions: state.maintenance.length
      ? [
          {
            ResourceIdentifier: `arn:aws:rds:${region}:${ACCOUNT}:${cluster ? 'cluster' : 'db'}:${options.id}`,
            PendingMaintenanceActionDetails: state.maintenance,
          },
        ]
      : [],
  }));
  cloudwatch.on(GetMetricDataCommand).callsFake(() => ({
    MetricDataResults: [
      {
        Id: 'free',
        Label: 'FreeStorageSpace',
        StatusCode: 'Complete',
        Timestamps: state.freeStorageBytes === undefined ? [] : [new Date()],
        Values: state.freeStorageBytes === undefined ? [] : [state.freeStorageBytes],
      },
      {
        Id: 'conn',
        Label: 'DatabaseConnections',
        StatusCode: 'Complete',
        Timestamps: [new Date()],
        Values: [state.connections],
      },
    ],
  }));
  return {
    mock: {
      restore() {
        rds.restore();
        cloudwatch.restore();
      },
      calls: () => [...rds.calls(), ...cloudwatch.calls()],
    },
    rds,
    cloudwatch,
    state,
  };
}
