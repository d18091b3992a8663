import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A tiny router: exact paths, or a prefix ending in `*`. Slack, alerts, health and the console mount here. */
export class HttpServer {
  private readonly routes: { method: string; path: string; handler: Handler }[] = [];
  readonly server: Server;

  constructor(private readonly onError: (error: unknown) => void) {
    this.server = createServer((req, res) => this.dispatch(req, res));
    this.server.keepAliveTimeout = 65_000;
  }

  route(method: string, path: string, handler: Handler): this {
    this.routes.push({ method, path, handler });
    return this;
  }

  private dispatch(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0]!;
    const matches = this.routes.filter((r) =>
      r.path.endsWith('*') ? path.startsWith(r.path.slice(0, -1)) : r.path === path,
    );
    const route = matches.find((r) => r.method === req.method || r.method === '*');
    if (!route) {
      sendJson(res, matches.length ? 405 : 404, {
        error: matches.length ? 'method_not_allowed' : 'not_found',
      });
      return;
    }
    Promise.resolve()
      .then(() => route.handler(req, res))
      .catch((error) => {
        this.onError(error);
        if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
        else res.end();
      });
  }

  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections?.();
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Reads a request body, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
