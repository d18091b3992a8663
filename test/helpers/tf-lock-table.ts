import type { Dynalite } from './dynalite.ts';

/** A lock item as Terraform's S3 backend writes it: `LockID` and `Info` (LockInfo as JSON). */
export function tfLockInfo(over: {
  id: string;
  created: string;
  path?: string;
  who?: string;
  operation?: string;
}) {
  return JSON.stringify({
    ID: over.id,
    Operation: over.operation ?? 'OperationTypeApply',
    Info: '',
    Who: over.who ?? 'runner@ci-7f3a',
    Version: '1.9.8',
    Created: over.created,
    Path: over.path ?? 'autostack-tf-state/autostack/terraform.tfstate',
  });
}

/** Creates Terraform's lock table (key `LockID`) with a held lock and the state's digest item. */
export async function tfLockTable(
  db: Dynalite,
  table: string,
  lock: { id: string; created: string; lockKey?: string },
) {
  await db.createTable(table, { key: 'LockID' });
  const lockKey = lock.lockKey ?? 'autostack-tf-state/autostack/terraform.tfstate';
  await db.put(table, { LockID: lockKey, Info: tfLockInfo({ ...lock, path: lockKey }) });
  await db.put(table, { LockID: `${lockKey}-md5`, Digest: '9a0364b9e99bb480dd25e1f0284c8555' });
  return lockKey;
}

/** Go's time format with nanoseconds, as Terraform writes `Created`. */
export const goTime = (ms: number) =>
  new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1456789Z');
