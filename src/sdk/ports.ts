/**
 * Ports: what commands may ask of the outside world. `src/aws/` implements them with the AWS SDK,
 * tests and local mode may implement them otherwise. Commands never see an SDK client.
 */

export interface LambdaAlias {
  functionName: string;
  alias: string;
  version: string;
  revisionId: string;
  arn: string;
}

export interface LambdaPort {
  getAlias(input: { functionName: string; alias: string; region?: string }): Promise<LambdaAlias>;
  /** True when the function has this published version. */
  hasVersion(input: { functionName: string; version: string; region?: string }): Promise<boolean>;
  /** Moves the alias; fails with a permanent `alias_changed_concurrently` error on a stale revision. */
  updateAlias(input: {
    functionName: string;
    alias: string;
    version: string;
    revisionId: string;
    region?: string;
  }): Promise<LambdaAlias>;
}

export interface AwsPorts {
  lambda: LambdaPort;
  /** The audit ledger (read side); absent when no `audit.table` is configured. */
  ledger?: LedgerPort;
}

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
