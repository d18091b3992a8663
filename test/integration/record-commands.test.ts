import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import expireCert from '../../commands/expire-cert.ts';
import revokeConnection from '../../commands/revoke-connection.ts';
import rotateKey from '../../commands/rotate-key.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { sha256Hex } from '../../src/sdk/generate.ts';
import type { OutputBlock, OutputMessage } from '../../src/sdk/index.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { type Dynalite, SPACEDUCK_TABLES, startDynalite } from '../helpers/dynalite.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { runbookPorts } from '../helpers/runbook-ports.ts';
import { mockSecrets, type SecretsMock } from '../helpers/secrets-mock.ts';
import { stepContext } from '../helpers/step-context.ts';

const DUCKLINGS = 'spaceduck-ducklings';
const CONNECTIONS = 'spaceduck-connections';
const CERTS = 'spaceduck-certs';
const OLD_KEY = 'old-key-plaintext-never-stored';

let db: Dynalite;
let sm: SecretsMock;
let targets: FileConfig['targets'];

beforeAll(async () => {
  db = await startDynalite(SPACEDUCK_TABLES);
});
afterAll(async () => {
  await db.stop();
});
beforeEach(() => {
  sm = mockSecrets();
  targets = exampleConfig().targets;
});
afterEach(() => sm.mock.restore());

const newPorts = () => runbookPorts(db.records);
let n = 0;
const uniqueId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${n++}`;

async function duckling(status: string) {
  const id = uniqueId('dk');
  await db.put(DUCKLINGS, {
    duckling_id: id,
    status,
    key_id: 'key_old',
    key_hash: sha256Hex(OLD_KEY),
  });
  return id;
}

/** The key text of the one message shown to the requester. */
/** A rotate-key run of this duckling, as the worker would start it. */
const rotation = (id: string, ports: Ports = newPorts()) =>
  stepContext({ command: rotateKey, args: { duckling_id: id }, ports, targets });

/** Ports whose DynamoDB writes fail as if the worker died there, until `heal()`. */
function crashingPorts() {
  const ports = newPorts();
  const realUpdate = ports.records.update;
  ports.records.update = async () => {
    throw new Error('worker killed');
  };
  return { ports, heal: () => (ports.records.update = realUpdate) };
}

function shownKey(messages: OutputMessage[]) {
  expect(messages).toHaveLength(1);
  const code = messages[0]!.blocks!.find(
    (b): b is Extract<OutputBlock, { type: 'code' }> => b.type === 'code',
  );
  return code!.text;
}

describe('rotate-key on dynalite', () => {
  it('replaces the hash of an ACTIVE duckling in one write, delivers the key to Secrets Manager only', async () => {
    const id = await duckling('ACTIVE');
    const run = rotation(id);
    const results = await run.runAll();
    const secret = sm.current(`ducklings/${id}/api-key`)!;
    expect(secret.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const item = await db.get(DUCKLINGS, { duckling_id: id });
    expect(item).toMatchObject({
      status: 'ACTIVE',
      key_hash: sha256Hex(secret.value),
      rotated_by: 'U0ALICE',
      last_request_id: run.ctx.request.id,
    });
    expect(item!.key_id).toMatch(/^key_[0-9a-f]{16}$/);
    expect(item!.key_hash).not.toBe(sha256Hex(OLD_KEY));
    expect(JSON.stringify(item)).not.toContain(secret.value);
    expect(JSON.stringify(results)).not.toContain(secret.value);
    expect(run.captured.toRequester).toHaveLength(0);
    expect(run.captured.records).toEqual([
      {
        event: 'duck.key_rotated',
        data: expect.objectContaining({ duckling_id: id, key_id: item!.key_id }),
      },
    ]);
  });

  it('refuses an inactive duckling before generating anything', async () => {
    const id = await duckling('SUSPENDED');
    const run = rotation(id);
    await expect(run.runStep('check-account')).rejects.toMatchObject({
      kind: 'user',
      code: 'account_not_active',
      message: expect.stringContaining(`duckling ${id} is SUSPENDED, not ACTIVE`),
    });
    await expect(run.runStep('rotate-key')).rejects.toMatchObject({ code: 'account_not_active' });
    await expect(rotateKey.plan!(run.ctx)).rejects.toMatchObject({ code: 'account_not_active' });
    expect(sm.secrets.size).toBe(0);
    expect(await db.get(DUCKLINGS, { duckling_id: id })).toMatchObject({
      key_hash: sha256Hex(OLD_KEY),
    });
  });

  it('names the duckling and the table when the record is missing', async () => {
    const run = stepContext({
      command: rotateKey,
      args: { duckling_id: 'dk_ghost' },
      ports: newPorts(),
      targets,
    });
    await expect(run.runStep('check-account')).rejects.toThrow(
      'no duckling dk_ghost in table spaceduck-ducklings in us-east-1',
    );
  });

  it('a retry after a crash between the write and its checkpoint changes nothing more', async () => {
    const id = await duckling('ACTIVE');
    const run = rotation(id);
    await run.runAll();
    const after = await db.get(DUCKLINGS, { duckling_id: id });
    const versions = sm.secrets.get(`ducklings/${id}/api-key`)!.versions.length;
    // The worker died before checkpointing rotate-key: the retry runs it (and audit) again.
    const retried = (await run.runStep('rotate-key')) as { already: boolean; keyId: string };
    expect(retried).toMatchObject({ already: true, keyId: after!.key_id });
    expect(await db.get(DUCKLINGS, { duckling_id: id })).toEqual(after);
    expect(sm.secrets.get(`ducklings/${id}/api-key`)!.versions).toHaveLength(versions);
  });

  it('a retry after a crash between the Secrets Manager write and the DynamoDB write activates the stored key', async () => {
    const id = await duckling('ACTIVE');
    const crashing = crashingPorts();
    const first = rotation(id, crashing.ports);
    await expect(first.runAll()).rejects.toThrow('worker killed');
    const stored = sm.current(`ducklings/${id}/api-key`)!.value;
    expect(await db.get(DUCKLINGS, { duckling_id: id })).toMatchObject({
      key_hash: sha256Hex(OLD_KEY),
    });
    crashing.heal();
    const retry = rotation(id, crashing.ports);
    await retry.runAll();
    expect(sm.secrets.get(`ducklings/${id}/api-key`)!.versions).toHaveLength(1);
    expect(await db.get(DUCKLINGS, { duckling_id: id })).toMatchObject({
      key_hash: sha256Hex(stored),
    });
    expect(retry.captured.progress).toContain('recovering the key this request already stored');
  });

  it('ephemeral delivery: shows the key once, to the requester, and a retry before activation replaces it', async () => {
    targets.rotate_key = { deliver: 'ephemeral' };
    const id = await duckling('ACTIVE');
    const crashing = crashingPorts();
    const first = rotation(id, crashing.ports);
    await expect(first.runAll()).rejects.toThrow('worker killed');
    const lost = shownKey(first.captured.toRequester);
    crashing.heal();
    const retry = rotation(id, crashing.ports);
    await retry.runAll();
    const key = shownKey(retry.captured.toRequester);
    expect(key).not.toBe(lost);
    const item = await db.get(DUCKLINGS, { duckling_id: id });
    expect(item!.key_hash).toBe(sha256Hex(key));
    expect(JSON.stringify(retry.captured.toRequester)).toContain('discard it');
    expect(sm.mock.calls()).toHaveLength(0);
  });

  it('fails without activating when the account is suspended while the key is delivered', async () => {
    const id = await duckling('ACTIVE');
    const ports = newPorts();
    const realPut = ports.secrets.putValue;
    ports.secrets.putValue = async (input) => {
      const out = await realPut(input);
      await db.put(DUCKLINGS, {
        duckling_id: id,
        status: 'SUSPENDED',
        key_hash: sha256Hex(OLD_KEY),
      });
      return out;
    };
    const run = stepContext({ command: rotateKey, args: { duckling_id: id }, ports, targets });
    const error = await run.runAll().catch((e: Error) => e);
    const key = sm.current(`ducklings/${id}/api-key`)!.value;
    expect(error).toMatchObject({ code: 'account_not_active' });
    expect((error as Error).message).toContain('was never activated');
    expect((error as Error).message).toContain('the old key still works');
    expect((error as Error).message).not.toContain(key);
    expect(await db.get(DUCKLINGS, { duckling_id: id })).toMatchObject({
      key_hash: sha256Hex(OLD_KEY),
    });
  });
});

describe('revoke-connection on dynalite', () => {
  async function connection(status: string, extra: Record<string, unknown> = {}) {
    const id = uniqueId('conn');
    await db.put(CONNECTIONS, { connection_id: id, status, ...extra });
    return id;
  }

  it('sets REVOKED with who, when and why, and records the operator note', async () => {
    const id = await connection('ACTIVE');
    const run = stepContext({
      command: revokeConnection,
      args: { connection_id: id, reason: 'leaked credentials' },
      ports: newPorts(),
      targets,
    });
    await run.runAll();
    const item = await db.get(CONNECTIONS, { connection_id: id });
    expect(item).toMatchObject({
      status: 'REVOKED',
      revoked_by: 'U0ALICE',
      reason: 'leaked credentials',
      last_request_id: run.ctx.request.id,
    });
    expect(Date.parse(item!.revoked_at)).not.toBeNaN();
    expect(run.captured.records.map((e) => e.event)).toEqual([
      'operator.note',
      'connection.revoked',
    ]);
    expect(run.captured.records[0]!.data).toMatchObject({
      connection_id: id,
      reason: 'leaked credentials',
      operator: 'U0ALICE',
      at: item!.revoked_at,
    });
  });

  it('an already revoked connection is a success with a note, and the earlier revocation stays', async () => {
    const id = await connection('REVOKED', {
      revoked_at: '2026-11-01T10:00:00.000Z',
      revoked_by: 'U0BOB',
      reason: 'first',
    });
    const run = stepContext({
      command: revokeConnection,
      args: { connection_id: id, reason: 'again' },
      ports: newPorts(),
      targets,
    });
    const results = await run.runAll();
    expect(results.revoke).toMatchObject({ alreadyRevoked: true, revokedBy: 'U0BOB' });
    expect(run.captured.progress).toContain('already revoked at 2026-11-01T10:00:00.000Z by U0BOB');
    expect(await db.get(CONNECTIONS, { connection_id: id })).toMatchObject({
      revoked_by: 'U0BOB',
      reason: 'first',
    });
    expect(run.captured.records.map((e) => e.event)).toEqual(['operator.note']);
    expect(run.captured.records[0]!.data).toMatchObject({ already_revoked: true });
  });

  it('a retry of the same request recognises its own write and is not "already revoked"', async () => {
    const id = await connection('ACTIVE');
    const run = stepContext({
      command: revokeConnection,
      args: { connection_id: id, reason: 'compromised' },
      ports: newPorts(),
      targets,
    });
    const first = await run.runStep('revoke');
    const item = await db.get(CONNECTIONS, { connection_id: id });
    const second = await run.runStep('revoke');
    expect(second).toEqual(first);
    expect(await db.get(CONNECTIONS, { connection_id: id })).toEqual(item);
  });

  it('a missing connection is a user error naming it and the table', async () => {
    const run = stepContext({
      command: revokeConnection,
      args: { connection_id: 'conn_ghost', reason: 'compromised' },
      ports: newPorts(),
      targets,
    });
    await expect(run.runStep('revoke')).rejects.toMatchObject({
      kind: 'user',
      message:
        'no connection conn_ghost in table spaceduck-connections in us-east-1 (key connection_id)',
    });
  });
});

describe('expire-cert on dynalite', () => {
  async function cert(status: string, duckling = 'dk_owner') {
    const id = uniqueId('cert');
    await db.put(CERTS, { cert_id: id, status, duckling_id: duckling });
    return id;
  }

  it('sets EXPIRED and expires_at, and records duck.cert_expired', async () => {
    const id = await cert('VALID');
    const run = stepContext({
      command: expireCert,
      args: { cert_id: id, reason: 'key compromise', duckling: 'dk_owner' },
      ports: newPorts(),
      targets,
    });
    await run.runAll();
    const item = await db.get(CERTS, { cert_id: id });
    expect(item).toMatchObject({
      status: 'EXPIRED',
      expired_by: 'U0ALICE',
      reason: 'key compromise',
    });
    expect(Date.parse(item!.expires_at)).not.toBeNaN();
    expect(run.captured.records).toEqual([
      {
        event: 'duck.cert_expired',
        data: expect.objectContaining({
          cert_id: id,
          duckling_id: 'dk_owner',
          expires_at: item!.expires_at,
        }),
      },
    ]);
  });

  it('a missing certificate is a clear user error naming the cert and the table, and creates nothing', async () => {
    const run = stepContext({
      command: expireCert,
      args: { cert_id: 'cert_ghost', reason: 'key compromise', duckling: 'dk_owner' },
      ports: newPorts(),
      targets,
    });
    await expect(run.runStep('expire')).rejects.toMatchObject({
      kind: 'user',
      code: 'record_not_found',
      message: expect.stringContaining(
        'no certificate cert_ghost in table spaceduck-certs in us-east-1',
      ),
    });
    await expect(expireCert.plan!(run.ctx)).rejects.toMatchObject({ code: 'record_not_found' });
    expect(await db.get(CERTS, { cert_id: 'cert_ghost' })).toBeUndefined();
  });

  it('a retry of the same request keeps the first expiry time', async () => {
    const id = await cert('VALID');
    const run = stepContext({
      command: expireCert,
      args: { cert_id: id, reason: 'rotation', duckling: 'dk_owner' },
      ports: newPorts(),
      targets,
    });
    const first = (await run.runStep('expire')) as { expiresAt: string };
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = (await run.runStep('expire')) as { expiresAt: string };
    expect(second.expiresAt).toBe(first.expiresAt);
    expect((await db.get(CERTS, { cert_id: id }))!.expires_at).toBe(first.expiresAt);
  });

  it('refuses a certificate of another duckling', async () => {
    const id = await cert('VALID', 'dk_other');
    const run = stepContext({
      command: expireCert,
      args: { cert_id: id, reason: 'rotation', duckling: 'dk_owner' },
      ports: newPorts(),
      targets,
    });
    await expect(run.runStep('expire')).rejects.toMatchObject({ code: 'cert_owner_mismatch' });
    expect(await db.get(CERTS, { cert_id: id })).toMatchObject({ status: 'VALID' });
  });

  it('an already expired certificate is left as it was', async () => {
    const id = await cert('VALID');
    await db.put(CERTS, {
      cert_id: id,
      status: 'EXPIRED',
      duckling_id: 'dk_owner',
      expires_at: '2026-01-01T00:00:00.000Z',
    });
    const run = stepContext({
      command: expireCert,
      args: { cert_id: id, reason: 'again', duckling: 'dk_owner' },
      ports: newPorts(),
      targets,
    });
    const out = await run.runStep('expire');
    expect(out).toMatchObject({ alreadyExpired: true, expiresAt: '2026-01-01T00:00:00.000Z' });
    expect((await db.get(CERTS, { cert_id: id }))!.expires_at).toBe('2026-01-01T00:00:00.000Z');
  });
});
