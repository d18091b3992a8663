import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { sleep } from '../util/sleep.ts';

/**
 * How long an idle kept-alive connection to Slack is kept: under the usual server idle timeouts, so
 * a request rarely picks a connection the server is closing (undici's fetch keeps 4 s too).
 */
const IDLE_SOCKET_MS = 4_000;
const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' as const };
const httpAgent = new HttpAgent(agentOptions);
const httpsAgent = new HttpsAgent(agentOptions);

/**
 * The `fetch` the WebClient is given: a Web API call (a POST with a form-encoded string body) goes
 * out through node:http(s) on a kept-alive connection, headers and body in one socket write, and
 * its answer is read into one buffer. Node's `fetch` (undici) streams every body through WHATWG
 * streams, in several socket writes, which made the two Slack posts of a run its largest CPU item.
 * Anything else (a multipart file upload, a body that is not a string) goes to the real `fetch`.
 * It waits as long as the caller's signal lets it; `timedSlackFetch` also bounds the wait.
 */
export const slackFetch = fetchWithin(undefined);

/**
 * `slackFetch` that abandons a call with no complete answer after `timeoutMs`, rejecting as fetch
 * does (a TypeError whose cause names the time), so the WebClient retries it as it retries a
 * dropped connection. The WebClient's own `timeout` option arms `AbortSignal.timeout` for every
 * call: a timer that stays armed after the answer and, while the signal is still in memory, fires
 * 10 s later and builds a DOMException with a stack trace, two per run. Here one timer per call is
 * cleared as the answer ends. Give the WebClient `timeout: 0` with this fetch.
 */
export const timedSlackFetch = (timeoutMs: number) => fetchWithin(timeoutMs);

function fetchWithin(timeoutMs: number | undefined): typeof fetch {
  return ((input: unknown, init?: RequestInit) => {
    if (
      typeof input !== 'string' ||
      typeof init?.body !== 'string' ||
      !isPlainHeaders(init.headers) ||
      !/^https?:\/\//.test(input)
    ) {
      const signal =
        init?.signal ?? (timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs));
      return fetch(input as string, { ...init, signal });
    }
    return post(input, init.body, init.headers, init.signal ?? undefined, init.redirect, timeoutMs);
  }) as typeof fetch;
}

const isPlainHeaders = (headers: unknown): headers is Record<string, string> =>
  headers === undefined ||
  (typeof headers === 'object' &&
    headers !== null &&
    Object.getPrototypeOf(headers) === Object.prototype &&
    Object.values(headers).every((value) => typeof value === 'string'));

function post(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
  signal: AbortSignal | undefined,
  redirect: RequestRedirect | undefined,
  timeoutMs?: number,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const https = url.startsWith('https:');
    const request = (https ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      agent: https ? httpsAgent : httpAgent,
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
    });
    const onAbort = () => request.destroy(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => request.destroy(new Error(`no complete answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
    const settled = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const failed = (error: unknown) => {
      settled();
      reject(
        signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error as Error }),
      );
    };
    request.on('error', failed);
    request.once('response', (response) => {
      const status = response.statusCode ?? 0;
      if (redirect === 'error' && status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        return failed(new Error(`redirect to ${response.headers.location}`));
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', failed);
      response.once('end', () => {
        settled();
        try {
          const raw = decoded(Buffer.concat(chunks), response.headers['content-encoding']);
          const answer = new SlackResponse(
            url,
            status,
            response.statusMessage ?? '',
            response.headers,
            raw,
          );
          resolve(answer as unknown as Response);
        } catch (error) {
          reject(new TypeError('fetch failed', { cause: error as Error }));
        }
      });
    });
    request.end(body);
  });
}

function decoded(body: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

/** The part of a `Response` the WebClient reads: status, headers, and the body as text or bytes. */
class SlackResponse {
  readonly headers: Pick<Headers, 'get' | 'has' | 'entries' | 'forEach'>;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    raw: IncomingHttpHeaders,
    private readonly body: Buffer,
  ) {
    const value = (name: string) => {
      const v = raw[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    };
    const entries = () =>
      Object.keys(raw)
        .map((name) => [name, value(name)!] as [string, string])
        [Symbol.iterator]();
    this.headers = {
      get: value,
      has: (name) => value(name) !== null,
      entries,
      forEach: (callback) => {
        for (const [name, v] of entries()) callback(v, name, this.headers as Headers);
      },
    };
  }

  get ok() {
    return this.status >= 200 && this.status < 300;
  }

  text() {
    return Promise.resolve(this.body.toString('utf8'));
  }

  json() {
    return this.text().then((text) => JSON.parse(text) as unknown);
  }

  arrayBuffer() {
    const { buffer, byteOffset, byteLength } = this.body;
    return Promise.resolve(buffer.slice(byteOffset, byteOffset + byteLength));
  }
}

/** How long one upload of a file's bytes may take before it is abandoned. */
const UPLOAD_TIMEOUT_MS = 60_000;
/** Attempts at an upload that failed on the way (no answer, or a 5xx): the URL takes it again. */
const UPLOAD_ATTEMPTS = 3;

/**
 * Sends a file's bytes to the `upload_url` that `files.getUploadURLExternal` gave, as raw bytes
 * (Slack takes raw bytes or a multipart form there). The buffer goes to the socket as it is: the
 * WebClient's `filesUploadV2` copied it twice (into a Uint8Array, then a Blob) and streamed it
 * through `fetch` as a multipart form, three copies of a 10 MB log file where one is enough.
 * Rejects naming the file (never the URL, which is a credential of its own) unless Slack answers 200.
 */
export async function uploadBytes(url: string, bytes: Uint8Array, fileName: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let status: number | undefined;
    try {
      const answer = await post(
        url,
        bytes,
        { 'Content-Type': 'application/octet-stream' },
        AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
        'error',
      );
      status = answer.status;
      if (status === 200) return;
    } catch (error) {
      if (attempt >= UPLOAD_ATTEMPTS)
        throw new Error(`the upload of ${fileName} failed: ${(error as Error).message}`);
    }
    if (status !== undefined && (status < 500 || attempt >= UPLOAD_ATTEMPTS))
      throw new Error(`the upload of ${fileName} was refused (HTTP ${status})`);
    await sleep(250 * attempt);
  }
}
