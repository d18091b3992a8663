/**
 * Ports: what commands may ask of the outside world. `src/aws/` implements them with the AWS SDK,
 * tests and local mode may implement them otherwise. Commands never see an SDK client.
 */

import type { GuidedRunbooksPort } from './guided.ts';

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
  records: RecordsPort;
  secrets: SecretsPort;
  tables: TablesPort;
  services: ServicesPort;
  http: HttpPort;
  deploys: DeployHistoryPort;
  /** The audit ledger (read side); absent when no `audit.table` is configured. */
  ledger?: LedgerPort;
  logs?: LogsPort;
  /** Guided runbooks (the `runbook` command); wired by opsbot, absent in a bare adapter set. */
  guided?: GuidedRunbooksPort;
}

/** Where a DynamoDB record lives: its table, its key (attribute → string value) and region. */
export interface RecordRef {
  table: string;
  key: Record<string, string>;
  region?: string;
}

export type RecordValue = string | number | boolean | null;
export type DataRecord = Record<string, unknown>;

/** What must hold for an update to happen. Every part given must hold (they are joined by AND). */
export interface RecordCondition {
  /** The record exists. */
  exists?: boolean;
  /** These attributes hold exactly these values. */
  equals?: Record<string, RecordValue>;
  /** These attributes are absent or hold another value. */
  differs?: Record<string, RecordValue>;
  /** These attributes are absent. */
  absent?: string[];
}

/** An update that did not happen because its condition failed is an answer, not an error. */
export type RecordUpdate =
  | { status: 'updated'; record: DataRecord }
  | { status: 'condition_failed'; record: DataRecord | undefined };

/** DynamoDB items as records, changed only under a condition. */
export interface RecordsPort {
  /** A strongly consistent read; undefined when the record does not exist. */
  get(ref: RecordRef): Promise<DataRecord | undefined>;
  /**
   * Sets (and removes) attributes in one conditional UpdateItem. When the condition fails, returns
   * the record as it is now (undefined when it does not exist).
   */
  update(
    input: RecordRef & {
      set: Record<string, RecordValue>;
      remove?: string[];
      condition: RecordCondition;
    },
  ): Promise<RecordUpdate>;
}

/** A secret's metadata; never its value. */
export interface SecretInfo {
  arn: string;
  name: string;
  /** Version id → its staging labels (`AWSCURRENT`, `AWSPENDING`, `AWSPREVIOUS`). */
  versions: Record<string, string[]>;
  rotationEnabled: boolean;
  rotationLambdaArn?: string;
}

/** Secrets Manager. Values go in (and, for recovery, come back) but are never returned elsewhere. */
export interface SecretsPort {
  /** Metadata of a secret; undefined when there is no such secret. */
  describe(input: { secretId: string; region?: string }): Promise<SecretInfo | undefined>;
  /**
   * Stores a value as a new version (PutSecretValue): AWSCURRENT, or only AWSPENDING when `pending`
   * is set (consumers reading AWSCURRENT do not see it until `moveStage` makes it current). When
   * `create` is set and the secret does not exist, creates it (CreateSecret) and the first version
   * is AWSCURRENT even when `pending` is set: CreateSecret takes no staging labels. The same token
   * with the same value is a no-op, so a retried call never makes a second version.
   */
  putValue(input: {
    secretId: string;
    value: string;
    clientRequestToken: string;
    create?: boolean;
    pending?: boolean;
    region?: string;
  }): Promise<{ versionId: string }>;
  /**
   * Moves a staging label (UpdateSecretVersionStage): onto `toVersionId` and off `fromVersionId`.
   * Without `toVersionId` the label is only removed from `fromVersionId`. Moving AWSCURRENT makes
   * AWS move AWSPREVIOUS to the version AWSCURRENT left. When the label sits on a version other than
   * `fromVersionId`, AWS refuses the call, so a label moved by someone else is never taken over.
   */
  moveStage(input: {
    secretId: string;
    stage: string;
    toVersionId?: string;
    fromVersionId?: string;
    region?: string;
  }): Promise<void>;
  /** Reads back one version's value: only to recover a value this bot itself stored. */
  readVersion(input: { secretId: string; versionId: string; region?: string }): Promise<string>;
  /** Starts a rotation with the secret's rotation Lambda (asynchronous). */
  rotate(input: {
    secretId: string;
    clientRequestToken: string;
    rotationLambdaArn?: string;
    region?: string;
  }): Promise<{ versionId: string }>;
}

// ── table-health: DynamoDB DescribeTable, CloudWatch metrics and alarms ──────────────────────────

export interface TableDescription {
  name: string;
  /** `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, … */
  status: string;
  /** `PAY_PER_REQUEST` or `PROVISIONED` (tables created before billing modes existed report none). */
  billingMode: string;
  itemCount: number;
}

export interface TableAlarm {
  name: string;
  /** `OK`, `ALARM` or `INSUFFICIENT_DATA`. */
  state: string;
  metric: string;
}

export interface TablesPort {
  describe(input: { table: string; region?: string }): Promise<TableDescription>;
  /** Sums per period, oldest first, one entry per metric name (missing periods are 0). */
  metrics(input: {
    table: string;
    region?: string;
    metrics: string[];
    hours: number;
    periodSeconds: number;
  }): Promise<Record<string, number[]>>;
  /** Metric alarms whose dimensions name one of these tables, by table. */
  alarms(input: { tables: string[]; region?: string }): Promise<Record<string, TableAlarm[]>>;
}

// ── restart: ECS services and App Runner services ────────────────────────────────────────────────

export type ServiceRef =
  | { type: 'ecs'; cluster: string; service: string; region?: string }
  | { type: 'apprunner'; serviceArn: string; region?: string };

/** A redeploy started on a service: an ECS deployment id or an App Runner operation id. */
export interface Redeploy {
  id: string;
  /** When AWS says it started (ISO 8601). */
  startedAt: string;
}

export interface Rollout {
  state: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  /** Short human detail: `1/2 tasks running`, the failure reason, the operation status. */
  detail: string;
}

export interface ServicesPort {
  /** Starts a new deployment of the running configuration (ECS forceNewDeployment, App Runner StartDeployment). */
  startRedeploy(service: ServiceRef): Promise<Redeploy>;
  /** The newest redeploy that started at or after `since`, so a retried run adopts its own. */
  redeploySince(service: ServiceRef, since: string): Promise<Redeploy | undefined>;
  rollout(service: ServiceRef, redeployId: string): Promise<Rollout>;
}

// ── health: plain HTTP GETs ──────────────────────────────────────────────────────────────────────

export interface HttpResult {
  url: string;
  /** HTTP status, or null when no answer came (timeout, refused). */
  status: number | null;
  ms: number;
  /** Why no answer came: `timed out after 3000 ms`, `connection refused`. */
  error?: string;
  /** The body parsed as JSON, when it was JSON. */
  json?: unknown;
}

export interface HttpPort {
  get(url: string, options: { timeoutMs: number }): Promise<HttpResult>;
}

// ── rollback: what promote and rollback did to an alias ──────────────────────────────────────────

export interface DeployEntry {
  kind: 'promote' | 'rollback';
  /** The run that moved the alias; a retried run records once. */
  runId: string;
  from: string;
  to: string;
  by: string;
  at: string;
  /** For a rollback: the run id of the promote it undid. */
  undoes?: string;
}

export interface DeployHistoryPort {
  /** Adds an entry for `<function>:<alias>`; recording the same run id twice keeps the first. */
  record(target: { function: string; alias: string }, entry: DeployEntry): Promise<void>;
  /** Newest first. */
  list(target: { function: string; alias: string }, limit?: number): Promise<DeployEntry[]>;
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

/** One CloudWatch Logs event. `id` is unique within its log group (FilterLogEvents `eventId`). */
export interface LogEvent {
  id: string;
  timestamp: number;
  message: string;
  stream?: string;
}

/** Where to look: a log group name (or ARN) and its region. */
export interface LogGroupRef {
  logGroup: string;
  region?: string;
}

/** What a live-tail session sends: one start, then an update about every second. */
export type LiveTailEvent =
  | { type: 'sessionStart'; sessionId: string }
  | { type: 'sessionUpdate'; events: LogEvent[]; sampled: boolean };

export interface LogsPort {
  /**
   * Events in [start, end] matching `filter` (a CloudWatch filter pattern), oldest first, page by
   * page (empty pages that carry a token are followed). Stops after `limit` events. Nothing holds
   * more than one page.
   */
  search(
    input: LogGroupRef & { start: number; end: number; filter?: string; limit: number },
  ): AsyncIterable<LogEvent>;
  /**
   * A live-tail session (StartLiveTail); aborting `signal` closes it. Absent where live tail is
   * not available: callers poll `search` instead.
   */
  startLiveTail?(
    input: LogGroupRef & { filter?: string; signal: AbortSignal },
  ): AsyncIterable<LiveTailEvent>;
}
