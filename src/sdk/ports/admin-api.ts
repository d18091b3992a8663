// ── the app's admin API (Mission Control `POST /beak/admin`) ─────────────────────────────────────

/** Where the admin API is and where its key is kept. The key itself never leaves the adapter. */
export interface AdminApiRef {
  url: string;
  /** Secrets Manager id of the admin key. */
  keySecret: string;
  header: string;
  scheme: string;
  region?: string;
  timeoutMs: number;
}

export interface AdminApiAnswer {
  status: number;
  /** The body parsed as JSON, when it was JSON. */
  json?: unknown;
  /** The raw body (at most 2,000 characters), for messages; redact before showing it. */
  text: string;
}

export interface AdminApiPort {
  /**
   * POSTs `body` as JSON with the admin key in the configured header and `Idempotency-Key`. The
   * key is read from Secrets Manager at call time (kept only in memory) and read again once after
   * a 401. No answer in time is a TransientError (`admin_api_timeout`); any answer is returned.
   */
  post(
    api: AdminApiRef,
    body: Record<string, string>,
    idempotencyKey: string,
  ): Promise<AdminApiAnswer>;
}
