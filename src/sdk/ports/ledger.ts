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

/** A head the bot posted to the audit channel: the ledger had reached `seq` with this hash. */
export interface AuditAnchor {
  seq: number;
  hash: string;
  /** When it was posted (UTC ISO), when known. */
  at?: string;
}

/** What the anchors said about a walk that was otherwise OK. */
export interface AnchorSummary {
  /** How many anchors fell inside the walk and matched. */
  checked: number;
  /** The newest anchor read. */
  latest?: AuditAnchor;
  /** Why no anchors were read (none configured, Slack unreachable). */
  unavailable?: string;
}

/**
 * What verifying a stretch of the chain found: OK up to the head, or the first broken seq and why.
 * `truncated`: the chain ends before an anchor's seq (newest entries removed); `anchor`: the entry
 * at an anchor's seq has another hash (the chain was rewritten).
 */
export type ChainReport =
  | {
      ok: true;
      count: number;
      first?: number;
      head?: { seq: number; hash: string };
      anchors?: AnchorSummary;
    }
  | {
      ok: false;
      count: number;
      seq: number;
      problem: 'hash' | 'link' | 'gap' | 'start' | 'truncated' | 'anchor';
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
