import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configured as tableHealth } from '../../commands/table-health.ts';
import { startLocalDynamo } from '../../src/dev/local/dynamo.ts';
import { seedTables } from '../../src/dev/local/seed.ts';
import { sandboxHttp } from '../../src/dev/sandbox/http.ts';
import { type Sandbox, sandboxPorts } from '../../src/dev/sandbox/index.ts';
import { generatedEvent, matchesFilter, SandboxLogs } from '../../src/dev/sandbox/logs.ts';
import { SandboxSecrets } from '../../src/dev/sandbox/secrets.ts';
import { SandboxServices } from '../../src/dev/sandbox/services.ts';
import { redact } from '../../src/redact/index.ts';
import type { LogEvent } from '../../src/sdk/ports/index.ts';
import { exampleConfig } from '../helpers/harness.ts';

/** Each local-mode sandbox port on its own: behaviour the commands rely on, with short clocks. */

const collect = async (events: AsyncIterable<LogEvent>) => {
  const out: LogEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
};

describe('sandbox records and tables (on an in-memory dynalite seeded from the example config)', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let sandbox: Sandbox;
  beforeAll(async () => {
    dynamo = await startLocalDynamo(undefined, seedTables(exampleConfig()));
    sandbox = await sandboxPorts({
      file: exampleConfig(),
      region: 'us-east-1',
      dynamoEndpoint: dynamo.endpoint,
    });
  });
  afterAll(async () => {
    await sandbox?.stop();
    await dynamo?.stop();
  });

  it('seeds the records rotate-key, revoke-connection and expire-cert read, under the configured keys', async () => {
    const { records } = sandbox.ports;
    const ada = await records.get({ table: 'spaceduck-ducklings', key: { duckling_id: 'dk-ada' } });
    expect(ada).toMatchObject({ status: 'ACTIVE', key_id: expect.any(String) });
    expect(ada?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    const conn = await records.get({
      table: 'spaceduck-connections',
      key: { connection_id: 'conn-7f3a' },
    });
    expect(conn?.status).toBe('ACTIVE');
    const cert = await records.get({ table: 'spaceduck-certs', key: { cert_id: 'cert-ada-2026' } });
    expect(cert).toMatchObject({ status: 'ACTIVE', duckling_id: 'dk-ada' });
    const egg = await records.get({ table: 'spaceduck-eggs', key: { egg_id: 'egg-001' } });
    expect(egg?.status).toBe('INCUBATING');
  });

  it('updates a record only under its condition (as rotate-key writes the new key hash)', async () => {
    const { records } = sandbox.ports;
    const ref = { table: 'spaceduck-ducklings', key: { duckling_id: 'dk-cleo' } };
    const before = await records.get(ref);
    const update = (oldHash: unknown) =>
      records.update({
        ...ref,
        set: { key_hash: 'f'.repeat(64), key_id: 'key_new' },
        condition: { exists: true, equals: { status: 'ACTIVE', key_hash: String(oldHash) } },
      });
    expect((await update(before?.key_hash)).status).toBe('updated');
    const stale = await update(before?.key_hash);
    expect(stale.status).toBe('condition_failed');
    expect(stale.record?.key_id).toBe('key_new');
  });

  it('describes tables from dynalite, makes up 24 h of metrics, and puts one table in ALARM', async () => {
    const { tables } = sandbox.ports;
    const eggs = await tables.describe({ table: 'spaceduck-eggs', region: 'us-east-1' });
    expect(eggs).toMatchObject({ status: 'ACTIVE', billingMode: 'PAY_PER_REQUEST' });
    const missing = await tables.describe({ table: 'no-such-table' }).catch((e) => e);
    expect(missing.code).toBe('aws_not_found');
    const series = await tables.metrics({
      table: 'spaceduck-eggs',
      metrics: ['ConsumedReadCapacityUnits', 'SystemErrors'],
      hours: 24,
      periodSeconds: 3600,
    });
    expect(series.ConsumedReadCapacityUnits).toHaveLength(24);
    expect(series.ConsumedReadCapacityUnits!.every((v) => v > 0)).toBe(true);
    expect(series.SystemErrors!.every((v) => v === 0)).toBe(true);
    const names = tableHealth(exampleConfig().targets).tables;
    const alarms = await tables.alarms({ tables: names });
    const states = names.map((t) => alarms[t]![0]!.state);
    expect(states.filter((s) => s === 'ALARM')).toHaveLength(1);
    expect(states.filter((s) => s === 'OK')).toHaveLength(names.length - 1);
  });

  it('labels every port it stands in for as SANDBOX', () => {
    for (const port of ['lambda', 'records', 'tables', 'secrets', 'services', 'http', 'logs'])
      expect(sandbox.describe[port as keyof Sandbox['describe']]).toMatch(/^SANDBOX/);
  });
});

describe('sandbox secrets', () => {
  const make = () =>
    new SandboxSecrets({
      region: 'eu-west-1',
      rotationMs: 30,
      secrets: [{ secretId: 'drop/jwt-secret', region: 'eu-west-1' }],
    });

  it('starts configured secrets with AWSCURRENT and AWSPREVIOUS; a new value moves both labels', async () => {
    const secrets = make();
    const info = await secrets.describe({ secretId: 'drop/jwt-secret', region: 'eu-west-1' });
    expect(Object.values(info!.versions).flat().sort()).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
    const before = Object.entries(info!.versions).find(([, s]) => s.includes('AWSCURRENT'))![0];
    await secrets.putValue({
      secretId: 'drop/jwt-secret',
      region: 'eu-west-1',
      value: 'new-value-1',
      clientRequestToken: 'tok-1',
    });
    const after = await secrets.describe({ secretId: 'drop/jwt-secret', region: 'eu-west-1' });
    expect(after!.versions['tok-1']).toEqual(['AWSCURRENT']);
    expect(after!.versions[before]).toEqual(['AWSPREVIOUS']);
    expect(JSON.stringify(after)).not.toContain('new-value-1');
  });

  it('treats a repeated token with the same value as a no-op, and refuses it with another value without echoing either', async () => {
    const secrets = make();
    const put = (value: string) =>
      secrets.putValue({
        secretId: 'ducklings/dk-ada/api-key',
        value,
        clientRequestToken: 'tok-2',
        create: true,
      });
    expect(await put('first-secret-value')).toEqual({ versionId: 'tok-2' });
    expect(await put('first-secret-value')).toEqual({ versionId: 'tok-2' });
    const info = await secrets.describe({ secretId: 'ducklings/dk-ada/api-key' });
    expect(Object.keys(info!.versions)).toEqual(['tok-2']);
    const clash = (await put('other-secret-value').catch((e) => e)) as Error;
    expect(clash.message).toContain('ClientRequestToken');
    expect(clash.message).not.toMatch(/first-secret-value|other-secret-value/);
    expect(
      await secrets.readVersion({ secretId: 'ducklings/dk-ada/api-key', versionId: 'tok-2' }),
    ).toBe('first-secret-value');
    const missing = await secrets
      .putValue({ secretId: 'nope', value: 'x', clientRequestToken: 't' })
      .catch((e) => e);
    expect(missing.code).toBe('aws_not_found');
  });

  it('stages a value AWSPENDING, and moveStage makes it AWSCURRENT only from the version holding it', async () => {
    const secrets = make();
    const ref = { secretId: 'drop/jwt-secret', region: 'eu-west-1' };
    const info = await secrets.describe(ref);
    const before = Object.entries(info!.versions).find(([, s]) => s.includes('AWSCURRENT'))![0];
    const other = Object.entries(info!.versions).find(([, s]) => s.includes('AWSPREVIOUS'))![0];
    await secrets.putValue({
      ...ref,
      value: 'staged-value',
      clientRequestToken: 'tok-p',
      pending: true,
    });
    expect((await secrets.describe(ref))!.versions['tok-p']).toEqual(['AWSPENDING']);
    expect((await secrets.describe(ref))!.versions[before]).toEqual(['AWSCURRENT']);
    const wrong = await secrets
      .moveStage({ ...ref, stage: 'AWSCURRENT', toVersionId: 'tok-p', fromVersionId: other })
      .catch((e) => e);
    expect(wrong.message).toContain('InvalidParameterException');
    expect((await secrets.describe(ref))!.versions[before]).toEqual(['AWSCURRENT']);
    await secrets.moveStage({
      ...ref,
      stage: 'AWSCURRENT',
      toVersionId: 'tok-p',
      fromVersionId: before,
    });
    await secrets.moveStage({ ...ref, stage: 'AWSPENDING', fromVersionId: 'tok-p' });
    const after = await secrets.describe(ref);
    expect(after!.versions['tok-p']).toEqual(['AWSCURRENT']);
    expect(after!.versions[before]).toEqual(['AWSPREVIOUS']);
    expect(after!.versions[other]).toEqual([]);
    expect(JSON.stringify(after)).not.toContain('staged-value');
  });

  it('creates a missing secret with its first version AWSCURRENT, even when asked for AWSPENDING', async () => {
    const secrets = make();
    await secrets.putValue({
      secretId: 'ducklings/dk-new/api-key',
      value: 'first-value',
      clientRequestToken: 'tok-c',
      create: true,
      pending: true,
    });
    const info = await secrets.describe({ secretId: 'ducklings/dk-new/api-key' });
    expect(info!.versions).toEqual({ 'tok-c': ['AWSCURRENT'] });
  });

  it('keeps a rotation AWSPENDING for a while (refusing a second one), then makes it AWSCURRENT', async () => {
    const secrets = make();
    const ref = { secretId: 'drop/jwt-secret', region: 'eu-west-1' };
    await secrets.rotate({ ...ref, clientRequestToken: 'rot-1' });
    expect((await secrets.describe(ref))!.versions['rot-1']).toEqual(['AWSPENDING']);
    expect(await secrets.rotate({ ...ref, clientRequestToken: 'rot-1' })).toEqual({
      versionId: 'rot-1',
    });
    const second = await secrets.rotate({ ...ref, clientRequestToken: 'rot-2' }).catch((e) => e);
    expect(second.code).toBe('rotation_pending');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await secrets.describe(ref))!.versions['rot-1']).toEqual(['AWSCURRENT']);
    secrets.stop();
  });
});

describe('sandbox services', () => {
  const ecs = { type: 'ecs' as const, cluster: 'autostack', service: 'autostack-backend' };
  const apprunner = {
    type: 'apprunner' as const,
    serviceArn: 'arn:aws:apprunner:x:1:service/drop/1',
  };

  it('rolls an ECS deployment out over rolloutMs: IN_PROGRESS with tasks coming up, then COMPLETED', async () => {
    let now = 1_000_000;
    const services = new SandboxServices({ rolloutMs: 6000, desiredTasks: 2, now: () => now });
    const since = new Date(now).toISOString();
    const started = await services.startRedeploy(ecs);
    expect(await services.redeploySince(ecs, since)).toEqual(started);
    expect(await services.rollout(ecs, started.id)).toEqual({
      state: 'IN_PROGRESS',
      detail: '0/2 tasks running',
    });
    now += 3500;
    expect((await services.rollout(ecs, started.id)).detail).toBe('1/2 tasks running');
    now += 3000;
    expect(await services.rollout(ecs, started.id)).toEqual({
      state: 'COMPLETED',
      detail: '2/2 tasks running',
    });
    expect(await services.redeploySince(ecs, new Date(now).toISOString())).toBeUndefined();
  });

  it('fails an ECS deployment replaced before it finished; App Runner reports operation status', async () => {
    let now = 0;
    const services = new SandboxServices({ rolloutMs: 1000, now: () => now });
    const first = await services.startRedeploy(ecs);
    await services.startRedeploy(ecs);
    expect((await services.rollout(ecs, first.id)).state).toBe('FAILED');
    const op = await services.startRedeploy(apprunner);
    expect(await services.rollout(apprunner, op.id)).toEqual({
      state: 'IN_PROGRESS',
      detail: 'operation IN_PROGRESS',
    });
    now += 1000;
    expect(await services.rollout(apprunner, op.id)).toEqual({
      state: 'COMPLETED',
      detail: 'operation SUCCEEDED',
    });
  });
});

describe('sandbox http', () => {
  const http = sandboxHttp(exampleConfig());

  it('answers configured health URLs with ok and one readiness URL with a failing check', async () => {
    const health = await http.get('https://api.example.com/health', { timeoutMs: 3000 });
    expect(health).toMatchObject({ status: 200, json: { status: 'ok' } });
    const ready = await http.get('https://api.example.com/ready', { timeoutMs: 3000 });
    expect(ready.status).toBe(503);
    // The example's api names the API runbook's checks; the sandbox reports each, worker failing.
    expect(ready.json).toMatchObject({
      checks: {
        db: { ok: true },
        migration: { ok: true, head: '0042' },
        signing: { ok: true },
        worker: { ok: false },
      },
    });
    const drop = await http.get('https://drop.example.com/api/health', { timeoutMs: 3000 });
    expect(drop.status).toBe(200);
  });

  it('reaches nothing else', async () => {
    const other = await http.get('https://example.org/', { timeoutMs: 3000 });
    expect(other.status).toBeNull();
    expect(other.error).toMatch(/not reachable in the sandbox/);
  });
});

describe('sandbox logs', () => {
  const group = '/aws/lambda/mission-control-api';
  const now = 1_795_000_000_000;

  it('searches page by page, following empty pages that carry a token, in order and without gaps', async () => {
    const logs = new SandboxLogs({
      logGroups: [group],
      pageSize: 7,
      pageWindowMs: 20_000,
      now: () => now,
    });
    const start = now - 60_000;
    const events = await collect(logs.search({ logGroup: group, start, end: now, limit: 1000 }));
    expect(events).toHaveLength(61);
    expect(events.map((e) => e.timestamp)).toEqual(
      Array.from({ length: 61 }, (_, i) => start + i * 1000),
    );
    const second = logs.page(
      { logGroup: group, start, end: now },
      logs.page({ logGroup: group, start, end: now }).nextToken,
    );
    expect(second.events).toEqual([]);
    expect(second.nextToken).toBeDefined();
    const limited = await collect(logs.search({ logGroup: group, start, end: now, limit: 5 }));
    expect(limited).toHaveLength(5);
  });

  it('applies filter patterns: terms, ?any, -exclude; JSON patterns match no plain line', async () => {
    const logs = new SandboxLogs({ logGroups: [group], now: () => now });
    const errors = await collect(
      logs.search({ logGroup: group, start: now - 60_000, end: now, filter: 'ERROR', limit: 100 }),
    );
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.message.includes('ERROR'))).toBe(true);
    expect(matchesFilter('WARN slow query', '?ERROR ?WARN')).toBe(true);
    expect(matchesFilter('INFO GET /x 200', 'INFO -GET')).toBe(false);
    expect(matchesFilter('INFO GET /x 200', '"GET /x"')).toBe(true);
    expect(matchesFilter('INFO', '{ $.level = "error" }')).toBe(false);
  });

  it('writes a line with a fake password that redaction hides', () => {
    const lines = Array.from({ length: 8 }, (_, i) => generatedEvent(group, i).message);
    const secretLine = lines.find((l) => l.includes('password=hunter2'));
    expect(secretLine).toBeDefined();
    expect(redact(secretLine!)).not.toContain('hunter2');
  });

  it('refuses a log group it does not have', async () => {
    const logs = new SandboxLogs({ logGroups: [group] });
    const error = await collect(
      logs.search({ logGroup: '/aws/lambda/other', start: 0, end: 1, limit: 1 }),
    ).catch((e) => e);
    expect(error.code).toBe('aws_not_found');
  });

  it('live tail starts a session and sends an update with events every tick until aborted', async () => {
    const logs = new SandboxLogs({ logGroups: [group], tickMs: 10 });
    const abort = new AbortController();
    const seen: string[] = [];
    let events = 0;
    for await (const item of logs.startLiveTail({ logGroup: group, signal: abort.signal })) {
      seen.push(item.type);
      if (item.type === 'sessionUpdate') events += item.events.length;
      if (seen.length === 4) abort.abort();
    }
    expect(seen).toEqual(['sessionStart', 'sessionUpdate', 'sessionUpdate', 'sessionUpdate']);
    expect(events).toBeGreaterThanOrEqual(3);
  });
});
