/** Plain HTTP GETs (health). */

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
