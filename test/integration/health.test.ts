import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import health, { failingChecks } from '../../commands/health.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { fetchHttp } from '../../src/http/fetch-port.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { runCommand } from '../helpers/step-context.ts';

describe('health against a real local HTTP server', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/ok/health') return json(200, { status: 'ok' });
      if (req.url === '/ok/ready')
        return json(200, { status: 'ready', checks: { db: { ok: true } } });
      if (req.url === '/bad/ready')
        return json(503, {
          status: 'not_ready',
          checks: {
            db: { ok: true },
            migrations: { ok: false, error: 'head 0042 expected, database at 0041' },
            signing: 'fail',
          },
        });
      if (req.url === '/slow/health') return; // never answers
      json(404, { error: 'not found' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function targets(health: string, ready?: string, timeout = 2000): FileConfig['targets'] {
    const t = exampleConfig().targets;
    t.endpoints.api = {
      health_url: `${base}${health}`,
      ready_url: ready && `${base}${ready}`,
      timeout_ms: timeout,
    };
    return t;
  }
  const ports = { http: fetchHttp() } as Ports;

  it('shows status and latency for a healthy, ready service', async () => {
    const out = await runCommand(
      health,
      { service: 'api' },
      { targets: targets('/ok/health', '/ok/ready'), ports },
    );
    expect(out.results.report).toEqual({ healthy: true });
    const card = JSON.stringify(out.posts[0]);
    expect(out.posts[0]!.text).toBe('✓ api is healthy and ready');
    expect(card).toMatch(
      /✓ \*health\* `http:\/\/127\.0\.0\.1:\d+\/ok\/health` — HTTP 200 · \d+ ms/,
    );
  });

  it('lists each failing readiness check from the JSON body', async () => {
    const out = await runCommand(
      health,
      { service: 'api' },
      { targets: targets('/ok/health', '/bad/ready'), ports },
    );
    expect(out.results.report).toEqual({ healthy: false });
    const card = JSON.stringify(out.posts[0]);
    expect(card).toContain('HTTP 503');
    expect(card).toContain('✗ migrations: head 0042 expected, database at 0041');
    expect(card).toContain('✗ signing: fail');
    expect(card).not.toContain('✗ db');
  });

  it('reports a timeout instead of hanging', async () => {
    const out = await runCommand(
      health,
      { service: 'api' },
      { targets: targets('/slow/health', undefined, 150), ports },
    );
    expect(JSON.stringify(out.posts[0])).toContain('timed out after 150 ms');
    expect(out.results.report).toEqual({ healthy: false });
  });

  it('understands check lists as arrays too', () => {
    expect(
      failingChecks({
        checks: [
          { name: 'queue', status: 'DOWN', message: 'no consumers' },
          { name: 'db', status: 'UP' },
        ],
      }),
    ).toEqual([{ check: 'queue', detail: 'no consumers' }]);
  });
});
