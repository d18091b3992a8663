import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RateLimiter, slackLikeLimits } from './limits.ts';
import { METHODS } from './methods.ts';
import { WorkspaceState } from './state.ts';

export interface EmulatorOptions {
  /** Bot tokens the emulator accepts. */
  tokens?: string[];
  botUserId?: string;
  /** Enforce Slack-like per-method rate limits (429 with Retry-After). */
  rateLimits?: boolean;
}

/**
 * How the next calls to a method are answered instead of as usual: HTTP 429 with `Retry-After`
 * (seconds), Slack's `{ ok: false, error }` (HTTP 200) without the call taking effect, or the
 * call carried out and its answer lost (`lost`: HTTP 500, as a proxy whose upstream dropped the
 * answer, so the caller cannot tell whether it took effect).
 */
type FaultAnswer = { retryAfter: number } | { error: string } | { lost: true };

interface Fault {
  method: string;
  remaining: number;
  answer: FaultAnswer;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata']);

/**
 * A Slack Web API emulator: a real HTTP server answering the methods opsbot calls, in Slack's
 * wire format and error shape, recording every call. Used by the tests and by local mode.
 */
export class SlackEmulator {
  readonly state = new WorkspaceState();
  private readonly tokens: Set<string>;
  private readonly botUserId: string;
  private readonly faults: Fault[] = [];
  private limits: Record<string, RateLimiter> | undefined;
  private server: Server | undefined;
  url = '';

  constructor(options: EmulatorOptions = {}) {
    this.tokens = new Set(options.tokens ?? ['xoxb-emulated-token']);
    this.botUserId = options.botUserId ?? 'U0OPSBOT';
    this.limits = options.rateLimits ? slackLikeLimits() : undefined;
  }

  /** The next `count` calls to `method` answer HTTP 429 with `Retry-After`. */
  failNext(method: string, count: number, retryAfter = 1) {
    this.faults.push({ method, remaining: count, answer: { retryAfter } });
  }

  /**
   * The next `count` calls to `method` (with a valid token) answer `{ ok: false, error }` with
   * HTTP 200, as Slack refuses a call (`restricted_action`, `name_taken`, …); nothing changes.
   */
  refuseNext(method: string, count: number, error: string) {
    this.faults.push({ method, remaining: count, answer: { error } });
  }

  /** The next `count` calls to `method` take effect, but their answer is lost: HTTP 500. */
  loseAnswerNext(method: string, count: number) {
    this.faults.push({ method, remaining: count, answer: { lost: true } });
  }

  /** Forgets the faults not met yet (`failNext`, `refuseNext`, `loseAnswerNext`). */
  clearFaults() {
    this.faults.length = 0;
  }

  setRateLimits(enabled: boolean) {
    this.limits = enabled ? slackLikeLimits() : undefined;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    this.url = `http://${host}:${address.port}/api/`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/api/__upload/'))
      return this.receiveUpload(path.slice('/api/__upload/'.length), raw, req, res);
    if (!path.startsWith('/api/')) return reply(res, 404, { ok: false, error: 'unknown_method' });
    const method = path.slice('/api/'.length);
    const args = parseArgs(raw, req.headers['content-type'] ?? '', req.url ?? '');
    const token =
      (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') ||
      (args.token as string | undefined);
    delete args.token;
    const record = (status: number, error?: string) => {
      const call = {
        method,
        args,
        token: token ? '[token]' : undefined,
        status,
        error,
        at: Date.now(),
      };
      this.state.calls.push(call);
      this.state.emit('call', call);
    };
    const fault = this.takeFault(method);
    const retryAfter = fault && 'retryAfter' in fault ? fault.retryAfter : this.limit(method, args);
    if (retryAfter > 0) {
      record(429, 'ratelimited');
      res.setHeader('Retry-After', String(retryAfter));
      return reply(res, 429, { ok: false, error: 'ratelimited' });
    }
    const handler = METHODS[method];
    if (!handler) {
      record(200, 'unknown_method');
      return reply(res, 200, { ok: false, error: 'unknown_method' });
    }
    if (!token) {
      record(200, 'not_authed');
      return reply(res, 200, { ok: false, error: 'not_authed' });
    }
    if (!this.tokens.has(token)) {
      record(200, 'invalid_auth');
      return reply(res, 200, { ok: false, error: 'invalid_auth' });
    }
    if (fault && 'error' in fault) {
      record(200, fault.error);
      return reply(res, 200, { ok: false, error: fault.error });
    }
    const result = handler(args, {
      state: this.state,
      botUserId: this.botUserId,
      baseUrl: this.url,
    });
    if (fault && 'lost' in fault) {
      record(500, result.ok ? 'answer_lost' : result.error);
      res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream answer lost');
      return;
    }
    record(200, result.ok ? undefined : result.error);
    return reply(res, 200, result);
  }

  /** The fault the next call to `method` meets, if one was set (`failNext`, `refuseNext`, …). */
  private takeFault(method: string): FaultAnswer | undefined {
    const fault = this.faults.find((f) => f.method === method && f.remaining > 0);
    if (!fault) return undefined;
    fault.remaining -= 1;
    return fault.answer;
  }

  /** Seconds to wait under the Slack-like rate limits, when enabled (0: the call may go). */
  private limit(method: string, args: Record<string, unknown>): number {
    const limiter = this.limits?.[method];
    if (!limiter) return 0;
    const key = method === 'chat.postMessage' ? String(args.channel) : method;
    return limiter.take(key);
  }

  private receiveUpload(id: string, raw: Buffer, req: IncomingMessage, res: ServerResponse) {
    const upload = this.state.uploads.get(id);
    if (!upload) return reply(res, 404, { ok: false, error: 'file_not_found' });
    upload.contentType = String(req.headers['content-type'] ?? '');
    upload.content = extractUpload(raw, upload.contentType);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${raw.length}`);
  }
}

function parseArgs(raw: Buffer, contentType: string, url: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  for (const [k, v] of new URLSearchParams(query)) args[k] = v;
  if (contentType.includes('application/json')) {
    Object.assign(args, raw.length ? JSON.parse(raw.toString('utf8')) : {});
  } else {
    for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) {
      args[k] = JSON_FIELDS.has(k) && /^[[{]/.test(v) ? JSON.parse(v) : v;
    }
  }
  return args;
}

function extractUpload(raw: Buffer, contentType: string): string {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  if (!boundary) return raw.toString('utf8');
  const text = raw.toString('utf8');
  const part = text.split(`--${boundary}`).find((p) => p.includes('filename='));
  if (!part) return text;
  const body = part.slice(part.indexOf('\r\n\r\n') + 4);
  return body.replace(/\r\n$/, '');
}

function reply(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
