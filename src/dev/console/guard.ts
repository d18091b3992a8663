import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Handler, sendJson } from '../../http/server.ts';

/** The header the console page sends its session token in. */
export const CONSOLE_TOKEN_HEADER = 'x-opsbot-console-token';

const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** A fresh per-session token: embedded in the page, required on every console API call. */
export function newConsoleToken(): string {
  return randomBytes(32).toString('hex');
}

/** `localhost:<port>`, `127.0.0.1:<port>` or `[::1]:<port>`, on the port this request came in on. */
function localHosts(req: IncomingMessage): string[] {
  const port = req.socket.localPort;
  return LOCAL_HOSTS.map((host) => `${host}:${port}`);
}

function tokenOf(req: IncomingMessage): string {
  const header = req.headers[CONSOLE_TOKEN_HEADER];
  if (typeof header === 'string') return header;
  // EventSource cannot send headers, and the bot's response_url posts carry no console header.
  return new URL(req.url ?? '/', 'http://console').searchParams.get('token') ?? '';
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Why a request to the console is refused, or undefined when it may go on. The console acts as
 * any local user, so a web page open in the operator's browser must not be able to drive it:
 * - `Host` must be localhost/127.0.0.1 on the console's port (a DNS-rebound name is refused);
 * - an `Origin`, when the browser sends one, must be that same local origin;
 * - POSTs must be `application/json` (a cross-site form or `text/plain` fetch cannot send it
 *   without a CORS preflight, which the console never grants);
 * - API calls must carry the session token embedded in the page.
 */
export function consoleRefusal(
  req: IncomingMessage,
  options: { token?: string },
): { status: number; error: string } | undefined {
  const hosts = localHosts(req);
  const host = req.headers.host ?? '';
  if (!hosts.includes(host))
    return {
      status: 403,
      error: `the local console answers only on ${hosts.slice(0, 2).join(' or ')}, not Host "${host}"`,
    };
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.some((h) => origin === `http://${h}`))
    return {
      status: 403,
      error: `the local console refuses requests from another origin ("${origin}"); open it at http://${host}/console`,
    };
  if (req.method === 'POST') {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json')
      return {
        status: 415,
        error: `the local console takes POSTs as application/json only, not "${type || 'no content-type'}"`,
      };
  }
  if (options.token !== undefined && !sameToken(tokenOf(req), options.token))
    return {
      status: 403,
      error: `missing or wrong console session token (${CONSOLE_TOKEN_HEADER}); reload the console page`,
    };
  return undefined;
}

/** Wraps a console route: refused requests get their status and a message naming what is wrong. */
export function guarded(handler: Handler, options: { token?: string }): Handler {
  return (req: IncomingMessage, res: ServerResponse) => {
    const refusal = consoleRefusal(req, options);
    if (refusal) return sendJson(res, refusal.status, { error: refusal.error });
    return handler(req, res);
  };
}
