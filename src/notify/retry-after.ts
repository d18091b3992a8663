/**
 * Seconds to wait when `error` is a rate-limit answer (429), else undefined. The outbox's Slack
 * calls go on a WebClient made with `rejectRateLimitedCalls: true`, whose 429s reject with
 * `retryAfter`, so the outbox pauses only the lane that was refused and retries the call itself.
 */
export function retryAfterOf(error: unknown): number | undefined {
  const value = (error as { retryAfter?: unknown } | undefined)?.retryAfter;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}
