import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import expireCert from '../../commands/expire-cert.ts';
import { recordActions } from '../../commands/lib/record-actions.ts';
import revokeConnection from '../../commands/revoke-connection.ts';
import type { FileConfig } from '../../src/config/file.ts';
import type { AdminApiPort, Ports } from '../../src/sdk/ports/index.ts';
import { type Dynalite, SPACEDUCK_TABLES, startDynalite } from '../helpers/dynalite.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { runbookPorts } from '../helpers/runbook-ports.ts';
import { stepContext } from '../helpers/step-context.ts';

/**
 * Mission Control playbook 3 step 4 ("the connection should no longer appear as active") and
 * playbook 5 step 3 ("the cert record is updated with status: EXPIRED"): through the admin API,
 * a 200 `status: ok` is not the end. The run reads the record back (a consistent GetItem) and
 * fails when the app answered ok but left the connection active or the cert unexpired.
 */

let db: Dynalite;
let targets: FileConfig['targets'];
/** What the fake app does on a POST: change the record as documented, or answer ok only. */
let appWrites: boolean;
let posts: Record<string, string>[];

beforeAll(async () => {
  db = await startDynalite(SPACEDUCK_TABLES);
});
afterAll(() => db.stop());

beforeEach(() => {
  appWrites = true;
  posts = [];
  targets = exampleConfig().targets;
  targets.record_actions = {
    ...recordActions(targets),
    via: 'admin_api',
    admin_api: {
      url: 'https://mission-control.example.com/beak/admin',
      key_secret: 'mission-control/admin-key',
      header: 'Authorization',
      scheme: 'Bearer',
      region: 'us-east-1',
      timeout_ms: 400,
    },
  };
});

const adminApi: AdminApiPort = {
  async post(_api, body) {
    posts.push(body);
    const now = new Date().toISOString();
    if (appWrites && body.action === 'revoke_connection') {
      const id = { connection_id: body.connection_id! };
      const record = await db.get('spaceduck-connections', id);
      await db.put('spaceduck-connections', { ...record, status: 'REVOKED', revoked_at: now });
    }
    if (appWrites && body.action === 'expire_cert') {
      const id = { cert_id: body.cert_id! };
      const record = await db.get('spaceduck-certs', id);
      await db.put('spaceduck-certs', { ...record, status: 'EXPIRED', expires_at: now });
    }
    const json = { status: 'ok', ...body };
    return { status: 200, json, text: JSON.stringify(json) };
  },
};

const ports = (): Ports => ({ ...runbookPorts(db.records), adminApi });

let n = 0;
const uniqueId = (prefix: string) => `${prefix}_fid${Date.now().toString(36)}${n++}`;

async function connection() {
  const dk = uniqueId('dk');
  const spaceduck = uniqueId('sd');
  await db.put('spaceduck-ducklings', { duckling_id: dk, status: 'ACTIVE', bonded: [] });
  const id = uniqueId('conn');
  await db.put('spaceduck-connections', {
    connection_id: id,
    duckling_id: dk,
    spaceduck_id: spaceduck,
    status: 'ACTIVE',
  });
  return id;
}

async function cert() {
  const dk = uniqueId('dk');
  const id = uniqueId('cert');
  await db.put('spaceduck-certs', { cert_id: id, duckling_id: dk, status: 'ISSUED' });
  return { id, dk };
}

describe('revoke-connection via the admin API checks the connection is no longer active', () => {
  it('done when the app marked it REVOKED', async () => {
    const id = await connection();
    const run = stepContext({
      command: revokeConnection,
      args: { connection_id: id, reason: 'abusive pulses' },
      ports: ports(),
      targets,
    });
    const results = await run.runAll();
    expect(posts).toHaveLength(1);
    expect(results.revoke).toMatchObject({ connectionId: id, alreadyRevoked: false });
  });

  it('fails when the app answered ok but the connection is still ACTIVE', async () => {
    appWrites = false;
    const id = await connection();
    const run = stepContext({
      command: revokeConnection,
      args: { connection_id: id, reason: 'abusive pulses' },
      ports: ports(),
      targets,
    });
    await expect(run.runAll()).rejects.toMatchObject({ code: 'not_revoked' });
    // Nothing claims a revocation that did not happen.
    expect(run.captured.records.map((r) => r.event)).not.toContain('connection.revoked');
  });
});

describe('expire-cert via the admin API checks the cert is EXPIRED', () => {
  it('done when the app set it EXPIRED', async () => {
    const c = await cert();
    const run = stepContext({
      command: expireCert,
      args: { cert_id: c.id, duckling: c.dk, reason: 'issued in error' },
      ports: ports(),
      targets,
    });
    const results = await run.runAll();
    expect(results.expire).toMatchObject({ alreadyExpired: false });
  });

  it('fails when the app answered ok but the cert is not EXPIRED', async () => {
    appWrites = false;
    const c = await cert();
    const run = stepContext({
      command: expireCert,
      args: { cert_id: c.id, duckling: c.dk, reason: 'issued in error' },
      ports: ports(),
      targets,
    });
    await expect(run.runAll()).rejects.toMatchObject({ code: 'not_expired' });
    expect(run.captured.records.map((r) => r.event)).not.toContain('duck.cert_expired');
  });
});
