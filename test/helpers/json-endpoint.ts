import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a local test endpoint received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  host: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Answer = { status: number; json?: unknown; headers?: Record<string, string> };

/**
 * A real HTTP server on 127.0.0.1 (free port) that records every request and answers with
 * `handle`. Stands in for an AWS JSON API behind AWS_ENDPOINT_URL or an app's own HTTP API.
 */
export async function jsonEndpoint(
  handle: (req: ReceivedRequest) => Answer | Promise<Answer | 'hang'> | 'hang',
) {
  const received: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      host: String(req.headers.host),
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    received.push(request);
    const answer = await handle(request);
    if (answer === 'hang') {
      hanging.push(res);
      return;
    }
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      ...(answer.headers ?? {}),
    });
    res.end(answer.json === undefined ? '' : JSON.stringify(answer.json));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
