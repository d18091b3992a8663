import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { metricAlarm, mockCloudWatch } from '../helpers/cloudwatch-mock.ts';
import { startDynalite } from '../helpers/dynalite.ts';
import {
  exampleConfig,
  type Harness,
  messageText,
  startHarness,
  USERS,
  waitFor,
} from '../helpers/harness.ts';
import { mockLambda } from '../helpers/lambda-mock.ts';
import { mockEcs } from '../helpers/services-mock.ts';

/**
 * Each command end to end: a signed slash command, the queue, a worker, the real AWS adapters
 * (aws-sdk-client-mock, dynalite) and the Slack emulator. Policies here need no approval:
 * restart, health and table-health have none by default; rollback runs on the staging alias.
 */
describe('service runbook commands through Slack', () => {
  let h: Harness;
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let server: Server;
  let ecs: ReturnType<typeof mockEcs>;
  let cw: ReturnType<typeof mockCloudWatch>;

  beforeAll(async () => {
    db = await startDynalite();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    for (const t of [
      'spaceduck-eggs',
      'spaceduck-ducklings',
      'spaceduck-certs',
      'spaceduck-connections',
      'spaceduck-audit',
    ])
      await db.createTable(t);
    cw = mockCloudWatch({
      series: () => 0,
      alarms: [metricAlarm('certs-throttles', 'spaceduck-certs', 'ALARM')],
    });
    server = createServer((req, res) =>
      res
        .writeHead(req.url === '/health' ? 200 : 503, { 'content-type': 'application/json' })
        .end(
          JSON.stringify(
            req.url === '/health'
              ? { status: 'ok' }
              : { checks: { db: { ok: false, error: 'connection refused' } } },
          ),
        ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const file = exampleConfig();
    file.targets.endpoints.api = {
      health_url: `${base}/health`,
      ready_url: `${base}/ready`,
      timeout_ms: 2000,
    };
    for (const s of Object.values(file.targets.services)) s.poll_interval_ms = 20;
    h = await startHarness({ file, lockWaitMs: 300 });
  });
  afterAll(async () => {
    await h?.stop();
    cw.mock.restore();
    await db.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    ecs?.mock.restore();
    ecs = mockEcs({ cluster: 'autostack', service: 'autostack-backend' });
  });

  const runMessages = (command: string) =>
    h.slack.state
      .channelMessages('C0OPS')
      .filter((m) => !m.thread_ts && m.text.includes(`: ${command} (`));
  const thread = (ts: string) => h.slack.state.channelMessages('C0OPS', ts);
  async function run(text: string, command: string, index = 0) {
    const response = await h.client.command(text, USERS.alice);
    expect(response.status).toBe(200);
    const message = await waitFor(`the ${command} run message`, () => runMessages(command)[index]);
    const reply = await waitFor(`the ${command} result`, () =>
      thread(message.ts).find((m) => /^(✅|❌)/.test(m.text)),
    );
    return { message, reply, thread: () => thread(message.ts).map(messageText).join('\n') };
  }

  it('table-health posts its card in the run thread', async () => {
    const { reply, thread } = await run('table-health', 'table-health');
    expect(reply.text).toContain('table-health done');
    expect(thread()).toContain('Table health: 4 ✓ · 0 ⚠ · 1 ✗');
    expect(thread()).toContain('alarm certs-throttles in ALARM');
  });

  it('health shows the failing readiness check', async () => {
    const { reply, thread } = await run('health api', 'health');
    expect(reply.text).toContain('health done');
    expect(thread()).toContain('✗ api is not healthy');
    expect(thread()).toContain('✗ db: connection refused');
  });

  it('restart redeploys the ECS service and waits for COMPLETED', async () => {
    ecs.state.script = ['IN_PROGRESS', 'IN_PROGRESS', 'COMPLETED'];
    const { reply } = await run('restart autostack-backend', 'restart');
    expect(reply.text).toContain('restart done');
    expect(ecs.state.updates).toBe(1);
  });

  it('a second restart of the same service is refused, naming the run that holds it', async () => {
    ecs.state.script = ['IN_PROGRESS'];
    const before = runMessages('restart').length;
    await h.client.command('restart autostack-backend', USERS.alice);
    await waitFor('the first restart to start its deployment', () => ecs.state.updates === 1);
    const second = await run('restart autostack-backend', 'restart', before + 1);
    expect(second.reply.text).toContain('resource_busy');
    const holder = /service:autostack-backend is held by (run_\w+)/.exec(second.reply.text)?.[1];
    const first = runMessages('restart')[before]!;
    expect(holder).toBeTruthy();
    expect(messageText(first)).toContain(holder);
    ecs.state.script = ['COMPLETED'];
    const done = await waitFor('the first restart result', () =>
      thread(first.ts).find((m) => m.text.startsWith('✅')),
    );
    expect(done.text).toContain('restart done');
    expect(ecs.state.updates).toBe(1);
  });

  it('rollback undoes a promote made through Slack', async () => {
    const lambda = mockLambda({ versions: ['41', '42', '43'], alias: 'staging', current: '42' });
    try {
      const promoted = await run('promote mission-control-api 43 alias=staging', 'promote');
      expect(promoted.reply.text).toContain('promote done');
      const { reply } = await run('rollback mission-control-api staging', 'rollback');
      expect(reply.text).toContain('rollback done');
      expect(reply.text).toContain('staging: 43 → 42');
      expect(lambda.state.version).toBe('42');
    } finally {
      lambda.mock.restore();
    }
  });
});
