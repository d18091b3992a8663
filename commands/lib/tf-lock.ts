import type { TfLockItem } from '../../src/sdk/index.ts';

/**
 * What Terraform writes in a lock item's `Info` attribute (`statemgr.LockInfo` as JSON): the lock
 * id, the operation, who holds it, the Terraform version, when it was taken and the state path.
 */
export interface TfLockInfo {
  id: string;
  operation: string;
  who: string;
  version: string;
  /** ISO 8601 as Terraform wrote it (nanoseconds and all). */
  created: string;
  path: string;
  /** The item's `LockID` (the state's `<bucket>/<key>`). */
  lockKey: string;
  /** The raw `Info` text, so a release deletes only while it is unchanged. */
  raw: string;
}

/** Reads an item's Info; undefined when it is not a Terraform lock (no JSON, no ID). */
export function parseTfLock(item: TfLockItem): TfLockInfo | undefined {
  let info: Record<string, unknown>;
  try {
    info = JSON.parse(item.info) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof info !== 'object' || info === null || typeof info.ID !== 'string') return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    id: info.ID,
    operation: text(info.Operation),
    who: text(info.Who),
    version: text(info.Version),
    created: text(info.Created),
    path: text(info.Path) || item.lockKey,
    lockKey: item.lockKey,
    raw: item.info,
  };
}

/** Milliseconds since the lock was taken; undefined when `Created` cannot be read. */
export function lockAgeMs(lock: TfLockInfo, now = Date.now()): number | undefined {
  // Go writes up to nine fractional digits; Date.parse reads three.
  const created = Date.parse(lock.created.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(created) ? undefined : now - created;
}

/**
 * The workspace a lock's state belongs to: the S3 backend keeps `default` at `<bucket>/<key>` and
 * another workspace at `<bucket>/<prefix>/<workspace>/<key>` (prefix `env:` unless configured).
 */
export function workspaceOf(lock: TfLockInfo, prefix = 'env:'): string {
  const parts = lock.lockKey.split('/');
  const at = parts.indexOf(prefix);
  return at >= 0 && parts[at + 1] ? parts[at + 1]! : 'default';
}

/** Under this age a lock is most likely a Terraform run still going: release needs force=true. */
export const YOUNG_LOCK_MS = 15 * 60_000;

export function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} days`;
}
