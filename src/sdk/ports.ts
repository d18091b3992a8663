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
  logs?: LogsPort;
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
