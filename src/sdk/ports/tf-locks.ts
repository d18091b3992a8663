/** Terraform's state locks in a DynamoDB lock table (the S3 backend's `dynamodb_table`). */

export interface TfLockTableRef {
  table: string;
  region?: string;
}

/** One held lock: the item's `LockID` and the `Info` JSON Terraform wrote, as stored. */
export interface TfLockItem {
  lockKey: string;
  /** The `Info` attribute exactly as stored (a release deletes only while it is unchanged). */
  info: string;
}

export type TfLockRelease = { status: 'released' } | { status: 'changed' };

export interface TfLocksPort {
  /** Every item that holds a lock (has `Info`), all pages of a Scan. Digest items are left out. */
  list(table: TfLockTableRef): Promise<TfLockItem[]>;
  /**
   * DeleteItem on `lockKey` only while `Info` is still exactly `info`, so a lock taken meanwhile (a
   * new `ID`) is never removed: `changed` when the condition failed or the item is gone.
   */
  release(table: TfLockTableRef, lock: TfLockItem): Promise<TfLockRelease>;
}
