/** CloudWatch Logs search and live tail (logs). */

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

/** What to search. */
export interface LogSearch extends LogGroupRef {
  start: number;
  end: number;
  filter?: string;
  limit: number;
  /**
   * Called after each page with the number of events it held; returning false stops the search
   * before the next page is fetched (the caller's page caps).
   */
  onPage?: (events: number) => boolean;
}

export interface LogsPort {
  /**
   * Events in [start, end] matching `filter` (a CloudWatch filter pattern), oldest first, page by
   * page (empty pages that carry a token are followed until `onPage` says stop). Stops after
   * `limit` events. Nothing holds more than one page.
   */
  search(input: LogSearch): AsyncIterable<LogEvent>;
  /**
   * A live-tail session (StartLiveTail); aborting `signal` closes it. Absent where live tail is
   * not available: callers poll `search` instead.
   */
  startLiveTail?(
    input: LogGroupRef & { filter?: string; signal: AbortSignal },
  ): AsyncIterable<LiveTailEvent>;
}
