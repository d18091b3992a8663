import { createHash } from 'node:crypto';
import { type AuditEntry, type ChainHead, EMPTY_HEAD, GENESIS_HASH } from '../sdk/ports/ledger.ts';
import { canonicalJson } from '../util/canonical-json.ts';

export { type AuditEntry, type ChainHead, EMPTY_HEAD, GENESIS_HASH };

/** An audit entry as it waits in Redis: redacted, timed and identified, not yet chained. */
export type QueuedEntry = Omit<AuditEntry, 'seq' | 'entry_id' | 'prev_hash' | 'hash'> & {
  /** Becomes the entry's `entry_id`. */
  id: string;
};

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
