/** RDS: databases (instances and Aurora clusters), their snapshots and their master password. */

/** A configured database: an RDS instance or an Aurora cluster, by identifier. */
export interface DatabaseRef {
  kind: 'instance' | 'cluster';
  id: string;
  region?: string;
}

export interface PendingMaintenance {
  action: string;
  description?: string;
  /** When AWS applies it in the next window on its own / forces it (ISO 8601). */
  autoAppliedAfter?: string;
  forcedApplyDate?: string;
  currentApplyDate?: string;
}

export interface DatabaseInfo {
  id: string;
  kind: DatabaseRef['kind'];
  arn: string;
  /** `available`, `backing-up`, `modifying`, `resetting-master-credentials`, … */
  status: string;
  engine: string;
  engineVersion?: string;
  /** `db.t4g.micro`; absent for an Aurora cluster (its instances have classes). */
  instanceClass?: string;
  allocatedStorageGb?: number;
  storageType?: string;
  multiAz?: boolean;
  /** `host:port`. */
  endpoint?: string;
  /** Changes not applied yet (`PendingModifiedValues` keys, such as `MasterUserPassword`). */
  pendingModified?: string[];
}

export interface DbSnapshot {
  id: string;
  arn?: string;
  /** `creating`, `available`, `failed`, … */
  status: string;
  /** 0–100 while `creating`. */
  percentProgress?: number;
  /** `automated`, `manual`, `awsbackup`, … */
  type: string;
  createdAt?: string;
  tags: Record<string, string>;
}

export interface DatabaseMetrics {
  /** CloudWatch `FreeStorageSpace`, bytes (the latest 5-minute average). */
  freeStorageBytes?: number;
  /** CloudWatch `DatabaseConnections` (the latest 5-minute average). */
  connections?: number;
}

export interface RdsPort {
  describe(db: DatabaseRef): Promise<DatabaseInfo>;
  pendingMaintenance(db: DatabaseRef): Promise<PendingMaintenance[]>;
  metrics(db: DatabaseRef): Promise<DatabaseMetrics>;
  /** The newest snapshot of each type asked for (every page read); undefined when there is none. */
  latestSnapshot(db: DatabaseRef, type: 'automated' | 'manual'): Promise<DbSnapshot | undefined>;
  /** One snapshot by identifier; undefined when it does not exist. */
  getSnapshot(db: DatabaseRef, snapshotId: string): Promise<DbSnapshot | undefined>;
  /** The manual snapshot of this database tagged `key=value`, if any (a retried run finds its own). */
  findSnapshotByTag(db: DatabaseRef, key: string, value: string): Promise<DbSnapshot | undefined>;
  /**
   * CreateDBSnapshot (instance) or CreateDBClusterSnapshot (cluster). When a snapshot with this
   * identifier already exists, answers `{ exists: snapshot }` instead of failing.
   */
  createSnapshot(
    db: DatabaseRef,
    input: { snapshotId: string; tags: Record<string, string> },
  ): Promise<{ created: DbSnapshot } | { exists: DbSnapshot }>;
  /** ModifyDBInstance / ModifyDBCluster `MasterUserPassword` with `ApplyImmediately`. */
  setMasterPassword(db: DatabaseRef, password: string): Promise<void>;
}
