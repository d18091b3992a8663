import type { HttpPort, HttpResult } from '../sdk/ports/index.ts';

/** Bodies past this many characters are not parsed (a readiness body is small). */
const MAX_BODY_CHARS = 256 * 1024;

function reasonOf(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return `timed out after ${timeoutMs} ms`;
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  if (code) return `no answer (${code})`;
  return `no answer (${e.cause?.message ?? (error as Error).message})`;
}

/** The `http` port with the platform's fetch: one GET, a hard timeout, no redirects followed off-site. */
export function fetchHttp(): HttpPort {
  return {
    async get(url, { timeoutMs }): Promise<HttpResult> {
      const started = performance.now();
      const ms = () => Math.round(performance.now() - started);
      try {
        const signal = AbortSignal.timeout(timeoutMs);
        const response = await fetch(url, {
          signal,
          headers: { accept: 'application/json' },
          redirect: 'manual',
        });
        const text = await response.text();
        const result: HttpResult = { url, status: response.status, ms: ms() };
        if (
          text.length <= MAX_BODY_CHARS &&
          /json/i.test(response.headers.get('content-type') ?? '')
        )
          try {
            result.json = JSON.parse(text);
          } catch {
            // Not JSON after all: the status still says what we need.
          }
        return result;
      } catch (error) {
        return { url, status: null, ms: ms(), error: reasonOf(error, timeoutMs) };
      }
    },
  };
}
