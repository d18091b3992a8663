import { sleep } from '../util/sleep.ts';

/**
 * Seconds to wait when `error` is a rate-limit answer (429), else undefined. The outbox's Slack
 * calls go on a WebClient made with `rejectRateLimitedCalls: true`, whose 429s reject with
 * `retryAfter`, so the outbox pauses only the lane that was refused and retries the call itself.
 */
export function retryAfterOf(error: unknown): number | undefined {
  const value = (error as { retryAfter?: unknown } | undefined)?.retryAfter;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

/** Slack's `error` code when `error` is a Web API answer with `ok: false`, else undefined. */
export function refusalOf(error: unknown): string | undefined {
  const code = (error as { data?: { error?: unknown } } | undefined)?.data?.error;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Slack's answers that say "not now" rather than "no" (docs.slack.dev, each method's errors):
 * its own failures, which "may have taken effect" (internal_error, fatal_error), and a workspace
 * in migration. Any other `ok: false` (restricted_action, missing_scope, invalid_name_*,
 * not_authed, name_taken, …) is the same answer however often it is asked.
 */
const NOT_NOW = new Set([
  'ratelimited',
  'request_timeout',
  'service_unavailable',
  'internal_error',
  'fatal_error',
  'team_added_to_org',
]);

/** Whether asking again may be answered otherwise: a 429, no answer, a 5xx, or Slack's "not now". */
export function worthRetrying(error: unknown): boolean {
  if (retryAfterOf(error) !== undefined) return true;
  const code = refusalOf(error);
  return code === undefined || NOT_NOW.has(code);
}

/** `retrySlackCall` gave up: `attempts` calls were made (or the time was up); `cause` is the last failure. */
export class RetriesSpent extends Error {
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`${(cause as Error)?.message ?? String(cause)} (${attempts} attempts)`, { cause });
    this.name = 'RetriesSpent';
  }
}

export interface RetryOptions {
  /** Calls at most, the first included. */
  attempts: number;
  /** The first wait after a failure that is not a 429; doubled after each. */
  backoffMs: number;
  /** No wait goes past this time (epoch ms): it gives up instead. */
  until: number;
  /** Aborted: the wait ends at once and it rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Runs a Slack call outside the outbox (one whose wait must hold back no lane) until it resolves:
 * a 429 waits its `Retry-After`, no answer or a 5xx (after the WebClient's own retries) or Slack's
 * "not now" backs off. A refusal asking again will not change rejects at once, as it came; after
 * `attempts` calls, or when the next wait would end past `until`, it rejects with `RetriesSpent`.
 */
export async function retrySlackCall<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  let backoff = options.backoffMs;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await call();
    } catch (error) {
      if (!worthRetrying(error)) throw error;
      const retryAfter = retryAfterOf(error);
      const wait = retryAfter !== undefined ? Math.max(retryAfter * 1000, 250) : backoff;
      if (retryAfter === undefined) backoff *= 2;
      if (attempt >= options.attempts || Date.now() + wait > options.until)
        throw new RetriesSpent(attempt, error);
      await sleep(wait, options.signal);
    }
  }
}
