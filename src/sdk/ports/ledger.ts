/** The audit ledger, read side (audit). Appends go through the audit sink. */

/** One audit entry as stored in the ledger: hash = SHA-256(prev_hash + canonical JSON of the rest). */
export interface AuditEntry {
  seq: number;
  /** UTC ISO time the event happened. */
  ts: string;
  /** Identifies the input entry, so a retried append is recognised and written once. */
  entry_id: string;
  /** Slack user id, or `system` for the bot. */
  actor: string;
  actor_name?: string;
  action: string;
  command?: string;
  args?: Record<string, unknown>;
  data?: Record<string, unknown>;
  request_id?: string;
  run_id?: string;
  permalink?: string;
  result?: string;
  prev_hash: string;
  hash: string;
}

/** What verifying a stretch of the chain found: OK up to the head, or the first broken seq and why. */
export type ChainReport =
  | { ok: true; count: number; first?: number; head?: { seq: number; hash: string } }
  | {
      ok: false;
      count: number;
      seq: number;
      problem: 'hash' | 'link' | 'gap' | 'start';
      reason: string;
    };

/** Read access to the audit ledger for the audit commands. Appends go through the audit sink. */
export interface LedgerPort {
  /** Newest first: at most `last` entries matching the filters. */
  recent(query: {
    last: number;
    command?: string;
    actor?: string;
    since?: string;
  }): Promise<AuditEntry[]>;
  /** Walks the chain from `from` (default: the first entry) to the head. */
  verify(query: { from?: number }): Promise<ChainReport>;
  /** The entries between `since` and `until` (UTC ISO), as JSON Lines in seq order. */
  export(query: { since: string; until?: string }): Promise<{ jsonl: string; count: number }>;
}

/** The prev_hash of seq 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** The last entry of the chain (seq 0 and the genesis hash when the ledger is empty). */
export interface ChainHead {
  seq: number;
  hash: string;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };
