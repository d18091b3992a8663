import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpdateServiceCommand as UpdateAppRunnerService } from '@aws-sdk/client-apprunner';
import { CreateDBSnapshotCommand } from '@aws-sdk/client-rds';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import deploy from '../../commands/deploy.ts';
import { awsAdapters } from '../../src/aws/adapters.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { fetchHttp } from '../../src/http/fetch-port.ts';
import { MaintenanceStore } from '../../src/maintenance/store.ts';
import { maintenanceWindows } from '../../src/maintenance/windows.ts';
import type { OutputMessage } from '../../src/sdk/index.ts';
import { maintenanceServices } from '../../src/sdk/maintenance-config.ts';
import { keys } from '../../src/store/keys.ts';
import { exampleConfig, REDIS_URL } from '../helpers/harness.ts';
import { digestOf, mockEcr, withAppRunnerImage } from '../helpers/images-mock.ts';
import { memoryDeploys } from '../helpers/memory-deploys.ts';
import { mockRds } from '../helpers/rds-mock.ts';
import { mockAppRunner } from '../helpers/services-mock.ts';
import { stepContext } from '../helpers/step-context.ts';

const DROP_ARN =
  'arn:aws:apprunner:eu-west-1:123456789012:service/drop/8fe1e10304f84fd2b0df550fe98a71fa';
const DROP_REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/drop-web';

/** Drop's /api/health: db ok, or (after a bad deploy) HTTP 200 with data.checks.db down. */
let dbUp = true;
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        data: { status: 'ok', checks: { db: { status: dbUp ? 'ok' : 'down' } } },
      }),
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function targets(): FileConfig['targets'] {
  const t = exampleConfig().targets as FileConfig['targets'] & Record<string, unknown>;
  for (const s of Object.values(t.services)) {
    s.poll_interval_ms = 5;
    s.timeout_seconds = 2;
  }
  t.endpoints.drop = {
    health_url: `${base}/api/health`,
    timeout_ms: 2000,
    required_checks: ['db'],
  };
  t.databases = { 'drop-db': { instance_id: 'drop-db', region: 'eu-west-1', poll_interval_ms: 5 } };
  t.deploys = {
    drop: {
      repository: DROP_REPO,
      database: 'drop-db',
      health: 'drop',
      health_timeout_seconds: 0.05,
      health_poll_ms: 10,
    },
  };
  return t;
}

/** The real maintenance windows on real Redis (a test prefix); posts captured, no planned end. */
const cleanups: (() => Promise<void>)[] = [];
function redisMaintenance() {
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const redis = new Redis(REDIS_URL);
  const posts: { channel: string; message: OutputMessage }[] = [];
  const windows = maintenanceWindows({
    store: new MaintenanceStore(redis, keys(prefix)),
    services: maintenanceServices(targets()),
    opsChannel: 'C0OPS',
    post: async (channel, message) => {
      posts.push({ channel, message });
    },
    scheduleEnd: async () => {},
    cancelEnd: async () => {},
    record: () => {},
    warn: () => {},
  });
  cleanups.push(async () => {
    const found = await redis.keys(`${prefix}:*`);
    if (found.length) await redis.del(...found);
    redis.disconnect();
  });
  const said = (needle: string) => posts.filter((p) => p.message.text.includes(needle));
  return { port: windows.port, posts, said };
}

describe('deploy --safe: snapshot → maintenance window → deploy → follow → health → window closed', () => {
  const mocks: { mock: { restore(): void } }[] = [];
  afterEach(async () => {
    for (const m of mocks.splice(0)) m.mock.restore();
    for (const c of cleanups.splice(0)) await c();
    dbUp = true;
  });
  function world() {
    const ecr = mockEcr({
      registryId: '123456789012',
      repository: 'drop-web',
      region: 'eu-west-1',
    });
    const rds = mockRds({ id: 'drop-db' });
    const ar = mockAppRunner({ serviceArn: DROP_ARN });
    mocks.push(ecr, rds, ar);
    const service = withAppRunnerImage(ar, `${DROP_REPO}@${digestOf(42)}`);
    const maintenance = redisMaintenance();
    const ports = {
      ...awsAdapters('us-east-1', { deploys: memoryDeploys() }),
      http: fetchHttp(),
      maintenance: maintenance.port,
    };
    return { rds, ar, service, ports, maintenance };
  }
  const args = { service: 'drop', image: '9f3c2ab', safe: 'true' };

  it('runs the guarded sequence in order and ends healthy', async () => {
    const w = world();
    const run = stepContext({ command: deploy, args, ports: w.ports, targets: targets() });
    expect(run.steps.map((s) => s.name)).toEqual([
      'snapshot:snapshot-name',
      'snapshot:create-snapshot',
      'snapshot:wait-snapshot',
      'maintenance-start',
      'note-start',
      'start-deploy',
      'wait-rollout',
      'record',
      'health',
      'maintenance-end',
      'report',
    ]);
    await run.runAll();
    expect(w.rds.state.creates).toBe(1);
    expect(w.service.image).toBe(`${DROP_REPO}@${digestOf(43)}`);
    expect(run.ctx.results.health).toEqual({ status: 'ok', reason: 'drop healthy' });
    // The window opened (announced in #ops) and closed with its summary; none is left open.
    expect(w.maintenance.said('Maintenance: drop until').map((p) => p.channel)).toEqual(['C0OPS']);
    const summary = w.maintenance.said('Maintenance of drop over');
    expect(summary).toHaveLength(1);
    expect(summary[0]!.message.text).toMatch(
      /ended by U0ALICE\) after \d+ s: 1 run, 0 alerts muted/,
    );
    expect(JSON.stringify(summary[0]!.message.blocks)).toContain(
      'deploy · U0ALICE · opened the window',
    );
    expect(run.ctx.results['maintenance-end']).toMatchObject({ closed: true, runs: 1 });
    expect(await w.maintenance.port.list()).toEqual([]);
  });

  it('a worker killed after the snapshot resumes without a second snapshot or deployment', async () => {
    const w = world();
    const first = stepContext({ command: deploy, args, ports: w.ports, targets: targets() });
    first.ctx.plan = await deploy.plan!(first.ctx);
    for (const name of [
      'snapshot:snapshot-name',
      'snapshot:create-snapshot',
      'snapshot:wait-snapshot',
      'maintenance-start',
      'note-start',
      'start-deploy',
    ])
      await first.runStep(name);
    // Killed after UpdateService, before start-deploy was checkpointed (and, the worse case, with
    // the window opened but maintenance-start not checkpointed either): the retry has the rest.
    const { 'start-deploy': _lost, 'maintenance-start': _lostToo, ...done } = first.ctx.results;
    const retry = stepContext({
      command: deploy,
      args,
      ports: w.ports,
      targets: targets(),
      plan: first.ctx.plan,
      done,
    });
    await retry.runAll();
    expect(w.rds.rds.commandCalls(CreateDBSnapshotCommand)).toHaveLength(1);
    expect(w.ar.mock.commandCalls(UpdateAppRunnerService)).toHaveLength(1);
    expect(retry.ctx.results['start-deploy']).toMatchObject({ adopted: true });
    expect(retry.ctx.results.health).toMatchObject({ status: 'ok' });
    // One window: the retry adopted the one the first attempt opened, announced once, closed once.
    expect(w.maintenance.said('Maintenance: drop until')).toHaveLength(1);
    expect(w.maintenance.said('Maintenance of drop over')).toHaveLength(1);
    expect(retry.ctx.results['maintenance-start']).toMatchObject({
      window: 'req_0123456789abcdef',
      ours: true,
    });
  });

  it('failed health after the rollout stops the run and offers a Roll back command button', async () => {
    const w = world();
    dbUp = false;
    const run = stepContext({ command: deploy, args, ports: w.ports, targets: targets() });
    await expect(run.runAll()).rejects.toThrow(/health failed after the rollout \(db: down\)/);
    const card = run.captured.posts.at(-1)!;
    expect(card.text).toContain('is deployed but drop is not healthy — db: down');
    // The window stays open (an operator is on it now), and the card says so beside Roll back.
    expect(card.blocks).toContainEqual({
      type: 'buttons',
      buttons: [
        { label: 'Roll back', command: 'rollback drop', style: 'danger' },
        { label: 'End maintenance', command: 'maintenance end drop' },
      ],
    });
    expect(JSON.stringify(card.blocks)).toContain('The maintenance window stays open');
    expect(run.ctx.results.report).toBeUndefined();
    expect((await w.maintenance.port.list()).map((x) => x.service)).toEqual(['drop']);
    expect(w.maintenance.said('Maintenance of drop over')).toHaveLength(0);
  });

  it('runs inside a window someone already opened, and leaves it open', async () => {
    const w = world();
    await w.maintenance.port.start({
      id: 'req_opened_by_hand',
      service: 'drop',
      reason: 'kernel patch',
      by: 'U0JOSH',
      runId: 'run_opened_by_hand',
      command: 'maintenance',
      durationMs: 3_600_000,
    });
    const run = stepContext({ command: deploy, args, ports: w.ports, targets: targets() });
    await run.runAll();
    expect(run.ctx.results['maintenance-start']).toEqual({
      window: 'req_opened_by_hand',
      ours: false,
    });
    expect(run.ctx.results['maintenance-end']).toEqual({ closed: false });
    expect((await w.maintenance.port.list()).map((x) => x.id)).toEqual(['req_opened_by_hand']);
  });

  it('refuses --safe when the service has no database or health endpoint configured', () => {
    const t = targets() as FileConfig['targets'] & { deploys: Record<string, object> };
    t.deploys.drop = { repository: DROP_REPO };
    expect(deploy.validate!(deploy.args.parse(args), t).map((p) => p.message)).toEqual([
      '--safe needs targets.deploys.drop.database (the database to snapshot)',
      '--safe needs targets.deploys.drop.health (the endpoint to check)',
    ]);
  });
});

describe('typing deploy --safe', () => {
  it('the command flag sets safe=true; an unknown flag is still refused', async () => {
    const { createRegistry, intakeText } = await import('../../src/intake/validate.ts');
    const { commands } = await import('../../src/registry/commands.ts');
    const registry = createRegistry(commands);
    const t = targets();
    const safe = intakeText('deploy drop 9f3c2ab --safe', registry, t);
    expect(safe).toMatchObject({
      kind: 'valid',
      args: { service: 'drop', image: '9f3c2ab', safe: true },
    });
    const plain = intakeText('deploy drop 9f3c2ab', registry, t);
    expect(plain).toMatchObject({ kind: 'valid', args: { safe: false } });
    expect(intakeText('deploy drop 9f3c2ab --fast', registry, t)).toMatchObject({
      kind: 'invalid',
    });
  });
});
