import { redactValue } from './redact.ts';

/**
 * What happened, as one audit entry before it is chained. Producers call `AuditSink.append`; the
 * ledger writer (`src/audit/writer.ts`) persists entries in order. `args` and `data` are redacted
 * again on the way in (sensitive key names and secret-shaped text), but should carry no secret.
 */
export interface AuditInput {
  action: string;
  actor: string;
  /** The actor's display name, when the producer knows it (the ledger writer looks it up otherwise). */
  actor_name?: string;
  command?: string;
  args?: Record<string, unknown>;
  request_id?: string;
  run_id?: string;
  permalink?: string;
  result?: string;
  data?: Record<string, unknown>;
}

export interface AuditSink {
  /** Never throws and never waits on storage: entries are buffered and written off the hot path. */
  append(entry: AuditInput): void;
}

/**
 * A sink that only writes structured log lines (the deploy log before a ledger is configured).
 * It redacts exactly as the ledger's sink does: a log line is no safer a place for a secret.
 * With info lines off (`LOG_LEVEL=warn` or above) an entry goes nowhere, so it is not built.
 */
export function logAuditSink(log: {
  info(obj: object, msg: string): void;
  isLevelEnabled?(level: string): boolean;
}): AuditSink {
  return {
    append: (entry) => {
      if (log.isLevelEnabled?.('info') === false) return;
      const safe = redactValue(entry) as AuditInput;
      log.info({ audit: safe }, `audit ${safe.action}`);
    },
  };
}
