import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import rotateDbPassword from '../../commands/rotate-db-password.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { startLocalDynamo } from '../../src/dev/local/dynamo.ts';
import { type Sandbox, sandboxPorts } from '../../src/dev/sandbox/index.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { memoryDeploys } from '../helpers/memory-deploys.ts';
import { runCommand } from '../helpers/step-context.ts';

/** Local mode: the example's drop-db connection-string secret exists, so the rotation runs through. */
describe('sandbox rotate-db-password on the example config', () => {
  const file = exampleConfig();
  const t = file.targets as FileConfig['targets'] &
    Record<string, Record<string, Record<string, unknown>>>;
  for (const s of Object.values(t.services)) s.poll_interval_ms = 5;
  t.databases!['drop-db']!.poll_interval_ms = 5;
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let sandbox: Sandbox;
  beforeAll(async () => {
    dynamo = await startLocalDynamo(undefined, []);
    sandbox = await sandboxPorts({
      file,
      region: 'us-east-1',
      dynamoEndpoint: dynamo.endpoint,
      rolloutMs: 30,
    });
  });
  afterAll(async () => {
    await sandbox?.stop();
    await dynamo?.stop();
  });

  it('holds drop-db’s DATABASE_URL secret as a connection URL and rotates only its password', async () => {
    const { secrets } = sandbox.ports;
    const at = { secretId: 'drop/production/database-url', region: 'eu-west-1' };
    const current = async () => {
      const info = await secrets.describe(at);
      const id = Object.entries(info!.versions).find(([, s]) => s.includes('AWSCURRENT'))![0];
      return new URL(await secrets.readVersion({ ...at, versionId: id }));
    };
    const before = await current();
    expect(before.protocol).toBe('postgres:');
    expect(before.hostname).toBe('drop-db.sandbox.local');
    const ports = { ...sandbox.ports, deploys: memoryDeploys() } as unknown as Ports;
    const out = await runCommand(rotateDbPassword, { db: 'drop-db' }, { targets: t, ports });
    expect(out.results['make-current']).toBeDefined();
    const after = await current();
    expect(after.password).not.toBe(before.password);
    expect(`${after.username}@${after.host}${after.pathname}`).toBe(
      `${before.username}@${before.host}${before.pathname}`,
    );
  }, 30_000);
});
