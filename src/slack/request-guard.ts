import type { IncomingMessage } from 'node:http';

/** The largest Slack request body opsbot reads: the same bound as the alert endpoints. */
export const MAX_SLACK_BODY_BYTES = 256 * 1024;
/** Slack's replay window: a request dated further from now, past or future, is refused. */
export const MAX_SLACK_CLOCK_SKEW_S = 5 * 60;

/**
 * Checks done before Bolt reads the body or the signature (issue 16, findings 9 and 10): a body
 * over 256 KB (by its Content-Length; a body without one is refused), and a timestamp more than
 * 5 minutes in the future (Bolt only refuses old ones). Returns the HTTP status and reason, or
 * undefined when the request may go on to Bolt's signature check.
 */
export function refuseSlackRequest(
  req: IncomingMessage,
  nowS = Math.floor(Date.now() / 1000),
): { status: number; error: string } | undefined {
  const length = req.headers['content-length'];
  if (length === undefined) return { status: 411, error: 'content-length required' };
  if (!/^\d+$/.test(length) || Number(length) > MAX_SLACK_BODY_BYTES)
    return { status: 413, error: `body over ${MAX_SLACK_BODY_BYTES} bytes` };
  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  if (Number.isFinite(timestamp) && timestamp - nowS > MAX_SLACK_CLOCK_SKEW_S)
    return { status: 401, error: 'request timestamp is in the future' };
  return undefined;
}
