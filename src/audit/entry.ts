import { createHash } from 'node:crypto';
import type { AuditEntry } from '../sdk/ports.ts';
import { canonicalJson } from '../util/canonical-json.ts';

export type { AuditEntry };

/** The prev_hash of seq 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** An audit entry as it waits in Redis: redacted, timed and identified, not yet chained. */
export type QueuedEntry = Omit<AuditEntry, 'seq' | 'entry_id' | 'prev_hash' | 'hash'> & {
  /** Becomes the entry's `entry_id`. */
  id: string;
};

/** The last entry of the chain (seq 0 and the genesis hash when the ledger is empty). */
export interface ChainHead {
  seq: number;
  hash: string;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };

/** SHA-256 (hex) over prev_hash followed by the canonical JSON of every field but `hash`. */
export function entryHash(entry: Omit<AuditEntry, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = entry;
  return createHash('sha256')
    .update(entry.prev_hash + canonicalJson(rest))
    .digest('hex');
}

/** Chains a queued entry onto a head: the next seq, linked and hashed. */
export function chainEntry(queued: QueuedEntry, head: ChainHead): AuditEntry {
  const { id, ...fields } = queued;
  const unhashed = { ...fields, entry_id: id, seq: head.seq + 1, prev_hash: head.hash };
  return { ...unhashed, hash: entryHash(unhashed) };
}
