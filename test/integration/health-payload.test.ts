import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHealthPayload } from '../../commands/health/payload.ts';
import { readProbe } from '../../commands/health/verdict.ts';
import health from '../../commands/health.ts';
import type { FileConfig } from '../../src/config/file.ts';
import type { EndpointTarget } from '../../src/config/service-targets.ts';
import { fetchHttp } from '../../src/http/fetch-port.ts';
import type { IncidentsPort } from '../../src/sdk/index.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { runCommand } from '../helpers/step-context.ts';

/** Bodies as real services send them, by path. */
const BODIES: Record<string, { type?: string; status?: number; body: unknown }> = {
  // Drop's /api/health during a database outage: HTTP 200, the failure is inside `data.checks`.
  '/drop-db-down': {
    body: {
      data: {
        status: 'ok',
        version: '0.1.0+9f3c2ab',
        uptime: 93_784,
        checks: { db: { status: 'down', latencyMs: 5001 }, cache: 'ok' },
      },
    },
  },
  '/drop-ok': {
    body: {
      data: {
        status: 'ok',
        version: '0.1.0+9f3c2ab',
        uptime: 93_784,
        checks: { db: { status: 'ok', latencyMs: 4 }, migrations: 'ok' },
      },
    },
  },
  // The API runbook's /ready: db, migration head, signing material, worker state.
  '/api-ready': {
    body: {
      status: 'ready',
      checks: {
        db: { status: 'ok', latencyMs: 3 },
        migration: { status: 'ok', head: '0042' },
        signing: { status: 'ok', kid: 'k-2026-11' },
        worker: { status: 'ok', polling: 3 },
      },
    },
  },
  '/api-ready-no-signing': {
    body: {
      status: 'ready',
      checks: { db: 'ok', migration: 'ok', worker: 'ok' },
    },
  },
  '/status-down': { body: { status: 'down' } },
  '/spring-down': {
    body: {
      status: 'DOWN',
      components: {
        db: { status: 'DOWN', details: { error: 'org.postgresql.util.PSQLException: refused' } },
        diskSpace: { status: 'UP', details: { total: 1, free: 1 } },
        ping: { status: 'UP' },
      },
    },
  },
  '/spring-up': {
    body: { status: 'UP', components: { db: { status: 'UP' }, ping: { status: 'UP' } } },
  },
  '/ietf-warn': {
    type: 'application/health+json',
    body: {
      status: 'warn',
      version: '1',
      releaseId: '1.2.2',
      checks: {
        'uptime:time': [{ componentType: 'system', observedValue: 1209600.245, status: 'pass' }],
        'memory:utilization': [
          { componentId: 'node-1', status: 'pass' },
          { componentId: 'node-2', status: 'warn', output: 'memory 91 %' },
        ],
      },
    },
  },
  '/ietf-fail': {
    type: 'application/health+json',
    status: 200,
    body: {
      status: 'fail',
      checks: {
        'db:responseTime': [{ componentId: 'pg-1', status: 'fail', output: 'timeout' }],
      },
    },
  },
};

function handler(req: { url?: string }, res: import('node:http').ServerResponse) {
  const found = BODIES[req.url ?? ''];
  if (!found) return res.writeHead(404).end();
  res
    .writeHead(found.status ?? 200, { 'content-type': found.type ?? 'application/json' })
    .end(JSON.stringify(found.body));
}

function listen(server: Server) {
  return new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function targetsWith(endpoint: Partial<EndpointTarget> & { health_url: string }) {
  const t: FileConfig['targets'] = exampleConfig().targets;
  t.endpoints.svc = { timeout_ms: 3000, ...endpoint };
  return t;
}

describe('health reads real payloads (local HTTP server)', () => {
  let server: Server;
  let base = '';
  const ports = { http: fetchHttp() } as Ports;
  beforeAll(async () => {
    server = createServer(handler);
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const run = (endpoint: Partial<EndpointTarget> & { health_url: string }) =>
    runCommand(health, { service: 'svc' }, { targets: targetsWith(endpoint), ports });

  it("fails Drop's 200 answer whose data.checks.db is down, and shows version and uptime", async () => {
    const out = await run({ health_url: `${base}/drop-db-down` });
    expect(out.results.report).toEqual({ healthy: false });
    expect(out.posts[0]!.text).toBe('✗ svc is not healthy');
    const card = JSON.stringify(out.posts[0]);
    expect(card).toContain('HTTP 200');
    expect(card).toContain('✗ db: down');
    expect(card).toContain('version 0.1.0+9f3c2ab');
    expect(card).toContain('up 1 d 2 h');
  });

  it('passes the same payload when every check is ok', async () => {
    const out = await run({ health_url: `${base}/drop-ok`, required_checks: ['db', 'migrations'] });
    expect(out.results.report).toEqual({ healthy: true });
    expect(out.posts[0]!.text).toBe('✓ svc is healthy and ready');
  });

  it('fails a top-level status that is not ok on HTTP 200', async () => {
    const out = await run({ health_url: `${base}/status-down` });
    expect(out.results.report).toEqual({ healthy: false });
    expect(JSON.stringify(out.posts[0])).toContain('✗ status down');
  });

  it('reads Spring Boot Actuator components', async () => {
    const down = await run({ health_url: `${base}/spring-down` });
    expect(down.results.report).toEqual({ healthy: false });
    const card = JSON.stringify(down.posts[0]);
    expect(card).toContain('✗ db: DOWN');
    expect(card).not.toContain('diskSpace');
    const up = await run({ health_url: `${base}/spring-up`, required_checks: ['db'] });
    expect(up.results.report).toEqual({ healthy: true });
  });

  it('reads IETF application/health+json: warn is ⚠, fail is ✗, arrays judged by their worst entry', async () => {
    const warn = await run({ health_url: `${base}/ietf-warn` });
    expect(warn.results.report).toEqual({ healthy: true });
    expect(warn.posts[0]!.text).toBe('⚠ svc is healthy, with warnings');
    expect(JSON.stringify(warn.posts[0])).toContain('⚠ memory:utilization: node-2: memory 91 %');
    const fail = await run({ health_url: `${base}/ietf-fail`, required_checks: ['db'] });
    expect(fail.results.report).toEqual({ healthy: false });
    expect(JSON.stringify(fail.posts[0])).toContain('✗ db:responseTime: timeout');
  });

  it('fails when a required check is missing from the payload', async () => {
    const out = await run({
      health_url: `${base}/spring-up`,
      required_checks: ['db', 'migrations'],
    });
    expect(out.results.report).toEqual({ healthy: false });
    expect(JSON.stringify(out.posts[0])).toContain('✗ migrations: missing (required)');
  });

  it("health api checks the API runbook's readiness checks named in the example config", async () => {
    const api = exampleConfig().targets.endpoints.api!;
    expect(api.required_checks).toEqual(['db', 'migration', 'signing', 'worker']);
    const ready = await run({
      ...api,
      health_url: `${base}/drop-ok`,
      ready_url: `${base}/api-ready`,
    });
    expect(ready.results.report).toEqual({ healthy: true });
    expect(JSON.stringify(ready.posts[0])).toContain(
      'required: ✓ db · ✓ migration · ✓ signing · ✓ worker',
    );
    const unsigned = await run({
      ...api,
      health_url: `${base}/drop-ok`,
      ready_url: `${base}/api-ready-no-signing`,
    });
    expect(unsigned.results.report).toEqual({ healthy: false });
    const card = JSON.stringify(unsigned.posts[0]);
    expect(card).toContain('✗ signing: missing (required)');
    expect(card).toContain('required: ✓ db · ✓ migration · ✓ worker');
  });

  it('gives a check() verdict without posting', async () => {
    const targets = targetsWith({ health_url: `${base}/drop-db-down` });
    const ctx = {
      args: { service: 'svc' },
      targets,
      ports,
      request: { id: 'r', command: 'health', requester: 'U1', channel: 'C1', environment: 'prod' },
      incidents: { listOpen: async () => [] } as unknown as IncidentsPort,
    };
    const verdict = await health.check!(ctx);
    expect(verdict.status).toBe('fail');
    expect(verdict.reason).toBe('db: down');
    const ok = await health.check!({
      ...ctx,
      targets: targetsWith({ health_url: `${base}/drop-ok` }),
    });
    expect(ok).toMatchObject({ status: 'ok', reason: 'svc healthy (version 0.1.0+9f3c2ab)' });
  });
});

describe('health latency limit and payload reader', () => {
  it('fails an answer slower than max_latency_ms', () => {
    const probe = readProbe(
      'health',
      { url: 'http://x/health', status: 200, ms: 900, json: { status: 'ok' } },
      { max_latency_ms: 500 },
    );
    expect(probe.findings).toEqual([{ state: 'fail', text: '900 ms (max 500 ms)' }]);
  });

  it('reads checks as booleans, ok flags and lists', () => {
    expect(
      readHealthPayload({ checks: { a: true, b: false, c: { ok: false, error: 'boom' } } }).checks,
    ).toEqual([
      { name: 'a', state: 'ok' },
      { name: 'b', state: 'fail', detail: 'false' },
      { name: 'c', state: 'fail', detail: 'boom' },
    ]);
  });
});

describe('health checks the TLS certificate of an https URL (real local HTTPS server)', () => {
  const servers: Server[] = [];
  const DAY = 86_400_000;

  /** An HTTPS server for 127.0.0.1 with a self-signed certificate valid for `days` more days. */
  async function httpsServer(days: number) {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(Date.now() - 30 * DAY),
      notAfterDate: new Date(Date.now() + days * DAY + 3_600_000),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    const server = createHttpsServer({ key: pems.private, cert: pems.cert }, handler);
    servers.push(server);
    const port = await listen(server);
    return { url: `https://127.0.0.1:${port}/drop-ok`, ca: pems.cert };
  }

  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  async function run(days: number) {
    const { url, ca } = await httpsServer(days);
    const ports = { http: fetchHttp({ ca: [ca] }) } as Ports;
    return runCommand(
      health,
      { service: 'svc' },
      { targets: targetsWith({ health_url: url }), ports },
    );
  }

  it('shows days left and stays ✓ with 90 days', async () => {
    const out = await run(90);
    expect(out.results.report).toEqual({ healthy: true });
    expect(JSON.stringify(out.posts[0])).toContain('TLS 90 d left');
  });

  it('warns under 30 days', async () => {
    const out = await run(20);
    expect(out.posts[0]!.text).toBe('⚠ svc is healthy, with warnings');
    expect(JSON.stringify(out.posts[0])).toContain('⚠ TLS certificate: 20 d left');
  });

  it('fails under 7 days', async () => {
    const out = await run(3);
    expect(out.results.report).toEqual({ healthy: false });
    expect(JSON.stringify(out.posts[0])).toContain('✗ TLS certificate: 3 d left');
  });

  it('fails an expired certificate, saying so', async () => {
    const out = await run(-2);
    expect(out.results.report).toEqual({ healthy: false });
    expect(JSON.stringify(out.posts[0])).toContain('TLS certificate expired');
  });
});
