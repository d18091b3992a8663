import type { DatabaseInfo, DatabaseRef, DbSnapshot, RdsPort } from '../../sdk/ports/rds.ts';

/**
 * SANDBOX RDS, in memory: every configured database is an available PostgreSQL instance (or Aurora
 * cluster) with a nightly automated snapshot 5 h old. A manual snapshot goes `creating` with
 * PercentProgress rising over `snapshotMs`, then `available`. Password changes are counted, never kept.
 */
export interface SandboxRdsOptions {
  snapshotMs?: number;
  now?: () => number;
}

interface Held extends DbSnapshot {
  db: string;
  startedAt: number;
}

export class SandboxRds implements RdsPort {
  private readonly snapshots: Held[] = [];
  private readonly snapshotMs: number;
  private readonly now: () => number;
  /** Master password changes per database (the values are dropped). */
  readonly passwordChanges = new Map<string, number>();

  constructor(options: SandboxRdsOptions = {}) {
    this.snapshotMs = options.snapshotMs ?? 8000;
    this.now = options.now ?? Date.now;
  }

  private seeded(db: DatabaseRef): Held[] {
    if (!this.snapshots.some((s) => s.db === db.id)) {
      const at = this.now() - 5 * 3_600_000;
      const day = new Date(at).toISOString().slice(0, 16).replace(/[T:]/g, '-');
      this.snapshots.push({
        db: db.id,
        id: `rds:${db.id}-${day}`,
        status: 'available',
        type: 'automated',
        createdAt: new Date(at).toISOString(),
        tags: {},
        startedAt: at,
      });
    }
    return this.snapshots.filter((s) => s.db === db.id);
  }

  private view(s: Held): DbSnapshot {
    const { db: _db, startedAt, ...snapshot } = s;
    if (snapshot.status !== 'creating') return snapshot;
    const share = (this.now() - startedAt) / this.snapshotMs;
    if (share >= 1) {
      s.status = 'available';
      s.percentProgress = 100;
      return { ...snapshot, status: 'available', percentProgress: 100 };
    }
    return { ...snapshot, percentProgress: Math.floor(share * 100) };
  }

  async describe(db: DatabaseRef): Promise<DatabaseInfo> {
    return {
      id: db.id,
      kind: db.kind,
      arn: `arn:aws:rds:${db.region ?? 'eu-west-1'}:000000000000:${db.kind === 'cluster' ? 'cluster' : 'db'}:${db.id}`,
      status: 'available',
      engine: db.kind === 'cluster' ? 'aurora-postgresql' : 'postgres',
      engineVersion: '16.4',
      ...(db.kind === 'instance'
        ? { instanceClass: 'db.t4g.micro', allocatedStorageGb: 20, storageType: 'gp3' }
        : {}),
      multiAz: false,
      endpoint: `${db.id}.sandbox.local:5432`,
    };
  }

  async pendingMaintenance() {
    return [{ action: 'system-update', description: 'New Operating System update is available' }];
  }

  async metrics() {
    return { freeStorageBytes: 14.2 * 1024 ** 3, connections: 12 };
  }

  async latestSnapshot(db: DatabaseRef, type: 'automated' | 'manual') {
    return this.seeded(db)
      .filter((s) => s.type === type)
      .sort((a, b) => b.startedAt - a.startedAt)
      .map((s) => this.view(s))[0];
  }

  async getSnapshot(db: DatabaseRef, snapshotId: string) {
    const s = this.seeded(db).find((x) => x.id === snapshotId);
    return s ? this.view(s) : undefined;
  }

  async findSnapshotByTag(db: DatabaseRef, key: string, value: string) {
    const s = this.seeded(db).find((x) => x.type === 'manual' && x.tags[key] === value);
    return s ? this.view(s) : undefined;
  }

  async createSnapshot(
    db: DatabaseRef,
    input: { snapshotId: string; tags: Record<string, string> },
  ) {
    const existing = this.seeded(db).find((x) => x.id === input.snapshotId);
    if (existing) return { exists: this.view(existing) };
    const held: Held = {
      db: db.id,
      id: input.snapshotId,
      status: 'creating',
      percentProgress: 0,
      type: 'manual',
      createdAt: new Date(this.now()).toISOString(),
      tags: { ...input.tags },
      startedAt: this.now(),
    };
    this.snapshots.push(held);
    return { created: this.view(held) };
  }

  async setMasterPassword(db: DatabaseRef) {
    this.passwordChanges.set(db.id, (this.passwordChanges.get(db.id) ?? 0) + 1);
  }
}
