import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import expireCert from '../../commands/expire-cert.ts';
import { recordActions } from '../../commands/lib/record-actions.ts';
import promote from '../../commands/promote.ts';
import revokeConnection from '../../commands/revoke-connection.ts';
import rotateKey from '../../commands/rotate-key.ts';
import type { Config } from '../../src/config/load.ts';
import { freePort } from '../../src/dev/free-port.ts';
import { startLocalDynamo } from '../../src/dev/local/dynamo.ts';
import { LOCAL_LEDGER_TABLE, withLocalLedger } from '../../src/dev/local/ledger.ts';
import { ensureRedis, RedisMissingError } from '../../src/dev/local/redis.ts';
import { seedTables } from '../../src/dev/local/seed.ts';
import { localAws, usesRealAws } from '../../src/dev/local/start-local.ts';
import type { sandboxEmail } from '../../src/dev/sandbox/email.ts';
import { sandboxPorts } from '../../src/dev/sandbox/index.ts';
import type { sandboxRepoFiles } from '../../src/dev/sandbox/repo-files.ts';
import type { AnyCommand } from '../../src/sdk/command.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { memoryDeploys } from '../helpers/memory-deploys.ts';
import { stepContext } from '../helpers/step-context.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('local mode sandbox', () => {
  it('holds the config’s Lambda functions in memory: versions 41–44, aliases at 42 (staging 43)', async () => {
    const dynamo = await startLocalDynamo(undefined, []);
    const sandbox = await sandboxPorts({
      file: exampleConfig(),
      region: 'us-east-1',
      dynamoEndpoint: dynamo.endpoint,
    });
    try {
      const { lambda } = sandbox.ports;
      const fn = { functionName: 'mission-control-api' };
      const prod = await lambda.getAlias({ ...fn, alias: 'prod' });
      expect(prod.version).toBe('42');
      expect((await lambda.getAlias({ ...fn, alias: 'staging' })).version).toBe('43');
      expect(await lambda.hasVersion({ ...fn, version: '44' })).toBe(true);
      expect(await lambda.hasVersion({ ...fn, version: '45' })).toBe(false);
      const moved = await lambda.updateAlias({
        ...fn,
        alias: 'prod',
        version: '43',
        revisionId: prod.revisionId,
      });
      expect(moved.version).toBe('43');
      expect(sandbox.describe.lambda).toMatch(/^SANDBOX/);
    } finally {
      await sandbox.stop();
      await dynamo.stop();
    }
  });

  it('stands in for the admin API, SES and GitHub, so those commands run in local mode', async () => {
    const file = exampleConfig();
    file.targets.record_actions = {
      ...recordActions(file.targets),
      via: 'admin_api',
      admin_api: {
        url: 'https://mission-control.example.com/beak/admin',
        key_secret: 'mission-control/admin-api-key',
        header: 'Authorization',
        scheme: 'Bearer',
        timeout_ms: 5000,
      },
      notify: {
        via: 'ses',
        from: 'ops@spaceduck.example.com',
        template: 'spaceduck',
        email_attribute: 'email',
      },
    };
    file.targets.deploy_log = {
      github: {
        repo: 'spaceduck/coordination',
        path: 'DEPLOY-LOG.md',
        branch: 'main',
        token_secret: 'opsbot/github-deploy-log-token',
      },
    } as never;
    const dynamo = await startLocalDynamo(undefined, seedTables(file));
    const sandbox = await sandboxPorts({
      file,
      region: 'us-east-1',
      dynamoEndpoint: dynamo.endpoint,
    });
    const ports = { ...sandbox.ports, deploys: memoryDeploys() } as Ports;
    const run = (command: AnyCommand, args: Record<string, unknown>, requestId: string) =>
      stepContext({ command, args, ports, targets: file.targets, requestId }).runAll();
    try {
      const before = await ports.records.get({
        table: 'spaceduck-ducklings',
        key: { duckling_id: 'dk-ada' },
      });
      await run(rotateKey, { duckling_id: 'dk-ada', reason: 'leaked' }, 'req_0000000000000a01');
      const after = await ports.records.get({
        table: 'spaceduck-ducklings',
        key: { duckling_id: 'dk-ada' },
      });
      expect(after?.key_hash).not.toBe(before?.key_hash);
      await run(
        revokeConnection,
        { connection_id: 'conn-7f3a', reason: 'stolen device' },
        'req_0000000000000a02',
      );
      expect(
        (
          await ports.records.get({
            table: 'spaceduck-connections',
            key: { connection_id: 'conn-7f3a' },
          })
        )?.status,
      ).toBe('REVOKED');
      await run(
        expireCert,
        { cert_id: 'cert-ada-2026', duckling: 'dk-ada', reason: 'key compromised' },
        'req_0000000000000a03',
      );
      expect(
        (await ports.records.get({ table: 'spaceduck-certs', key: { cert_id: 'cert-ada-2026' } }))
          ?.status,
      ).toBe('EXPIRED');
      const sent = (ports.email as ReturnType<typeof sandboxEmail>).sent;
      expect(sent.map((m) => [m.to, m.template])).toEqual([
        ['ada@spaceduck.example.com', 'spaceduck-key-rotated'],
        ['ada@spaceduck.example.com', 'spaceduck-connection-revoked'],
        ['ada@spaceduck.example.com', 'spaceduck-cert-expired'],
      ]);

      await run(
        promote,
        { function: 'mission-control-api', version: '43' },
        'req_0000000000000a04',
      );
      const files = (ports.repoFiles as ReturnType<typeof sandboxRepoFiles>).files;
      expect(files.get('spaceduck/coordination@main:DEPLOY-LOG.md')).toMatch(
        /promote mission-control-api:prod 42 → 43/,
      );
      expect(sandbox.describe.adminApi).toMatch(/^SANDBOX/);
      expect(sandbox.describe.email).toMatch(/^SANDBOX/);
      expect(sandbox.describe.repoFiles).toMatch(/^SANDBOX/);
    } finally {
      await sandbox.stop();
      await dynamo.stop();
    }
  });

  it('seeds dynalite with the example tables and keeps changes across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbot-dynamo-'));
    dirs.push(dir);
    const client = (endpoint: string) =>
      DynamoDBDocumentClient.from(
        new DynamoDBClient({
          endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        }),
      );
    const first = await startLocalDynamo(dir, seedTables(exampleConfig()));
    const db = client(first.endpoint);
    const tables = (await db.send(new ListTablesCommand({}))).TableNames;
    expect(tables).toEqual([
      'spaceduck-audit',
      'spaceduck-certs',
      'spaceduck-connections',
      'spaceduck-ducklings',
      'spaceduck-eggs',
    ]);
    await db.send(
      new UpdateCommand({
        TableName: 'spaceduck-ducklings',
        Key: { duckling_id: 'dk-ada' },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'SUSPENDED' },
      }),
    );
    db.destroy();
    await first.stop();

    const second = await startLocalDynamo(dir, seedTables(exampleConfig()));
    const again = client(second.endpoint);
    const ada = await again.send(
      new GetCommand({ TableName: 'spaceduck-ducklings', Key: { duckling_id: 'dk-ada' } }),
    );
    const bob = await again.send(
      new GetCommand({ TableName: 'spaceduck-ducklings', Key: { duckling_id: 'dk-bob' } }),
    );
    expect(ada.Item?.status).toBe('SUSPENDED');
    expect(bob.Item?.status).toBe('SUSPENDED');
    again.destroy();
    await second.stop();
  });

  it('keeps the audit ledger in dynalite unless the config names its own endpoint', async () => {
    const dynamo = await startLocalDynamo(undefined, []);
    try {
      const env = { AWS_REGION: 'us-east-1' } as Config['env'];
      const { config, describe } = await withLocalLedger(
        { env, file: exampleConfig() },
        dynamo.endpoint,
      );
      expect(config.file.audit).toEqual({
        table: LOCAL_LEDGER_TABLE,
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
      });
      expect(describe).toMatch(/^SANDBOX/);
      const db = new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      });
      expect((await db.send(new ListTablesCommand({}))).TableNames).toContain(LOCAL_LEDGER_TABLE);
      db.destroy();
      // finding 3: a configured table without an endpoint would be real AWS; the sandbox moves it
      // onto dynalite (same table name) instead.
      const moved = await withLocalLedger(
        { env, file: { ...exampleConfig(), audit: { table: 'my-ledger', region: 'eu-west-1' } } },
        dynamo.endpoint,
      );
      expect(moved.config.file.audit).toEqual({
        table: 'my-ledger',
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
      });
      expect(moved.describe).toMatch(/^SANDBOX/);
      const own = { table: 'my-ledger', region: 'eu-west-1', endpoint: 'http://127.0.0.1:8000' };
      const kept = await withLocalLedger(
        { env, file: { ...exampleConfig(), audit: own } },
        dynamo.endpoint,
      );
      expect(kept.config.file.audit).toEqual(own);
      expect(kept.describe).toBeUndefined();
    } finally {
      await dynamo.stop();
    }
  });

  it('starts redis-server when nothing answers, and stops it', async () => {
    const port = await freePort();
    const redis = await ensureRedis(`redis://127.0.0.1:${port}`);
    expect(redis.url).toBe(`redis://127.0.0.1:${port}`);
    expect(redis.child).toBeDefined();
    await redis.stop();
    expect(redis.child?.exitCode ?? redis.child?.signalCode).not.toBeNull();
  });

  it('says how to install Redis when none answers and redis-server is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const port = await freePort();
      const error = await ensureRedis(`redis://127.0.0.1:${port}`).catch((e) => e);
      expect(error).toBeInstanceOf(RedisMissingError);
      expect(error.message).toContain('apt-get install redis-server');
      expect(error.message).toContain('brew install redis');
    } finally {
      process.env.PATH = path;
    }
  });

  it('uses real AWS only with AWS_ENDPOINT_URL or credentials', () => {
    expect(usesRealAws({})).toBe(false);
    expect(usesRealAws({ AWS_ENDPOINT_URL: 'http://localhost:4566' })).toBe(true);
    expect(usesRealAws({ AWS_PROFILE: 'ops' })).toBe(true);
  });

  it('finding 3: local mode uses real AWS only with OPSBOT_LOCAL_REAL_AWS=1 as well', () => {
    expect(localAws({})).toEqual({ real: false, ignored: [] });
    expect(localAws({ AWS_PROFILE: 'ops' })).toEqual({ real: false, ignored: ['AWS_PROFILE'] });
    expect(localAws({ AWS_PROFILE: 'ops', OPSBOT_LOCAL_REAL_AWS: 'true' }).real).toBe(false);
    expect(localAws({ AWS_PROFILE: 'ops', OPSBOT_LOCAL_REAL_AWS: '1' })).toEqual({
      real: true,
      ignored: [],
    });
    expect(localAws({ OPSBOT_LOCAL_REAL_AWS: '1' }).real).toBe(false);
  });
});
