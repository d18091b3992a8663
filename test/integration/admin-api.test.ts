import { Writable } from 'node:stream';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FileConfig } from '../../src/config/file.ts';
import { createLogger } from '../../src/log.ts';
import { type Dynalite, SPACEDUCK_TABLES, startDynalite } from '../helpers/dynalite.ts';
import {
  exampleConfig,
  type Harness,
  messageText,
  startHarness,
  USERS,
  waitFor,
} from '../helpers/harness.ts';
import {
  type AppOptions,
  AUDIT_INDEX,
  AUDIT_TABLE,
  startMissionControlApp,
} from '../helpers/mission-control-app.ts';
import { redisDump } from '../helpers/redis-dump.ts';
import { runbookPorts } from '../helpers/runbook-ports.ts';
import { mockSecrets, type SecretsMock } from '../helpers/secrets-mock.ts';

/**
 * `via: admin_api` end to end: signed slash command → worker → a local HTTP server implementing
 * Mission Control's documented `POST /beak/admin` contract (changing records on dynalite and
 * writing the app's audit events) → Slack emulator. The admin key lives in Secrets Manager
 * (aws-sdk-client-mock with the documented GetSecretValue shape).
 */

const KEY_SECRET = 'mission-control/admin-key';
const OLD_ADMIN_KEY = 'mc-admin-old-0123456789abcdefghijklmnopqrstuv';
const NEW_ADMIN_KEY = 'mc-admin-new-0123456789abcdefghijklmnopqrstuv';

let db: Dynalite;
let sm: SecretsMock;
let h: Harness | undefined;
let app: Awaited<ReturnType<typeof startMissionControlApp>> | undefined;
let logLines: string[];

beforeAll(async () => {
  db = await startDynalite(SPACEDUCK_TABLES);
  await db.client.send(
    new CreateTableCommand({
      TableName: AUDIT_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'event_id', AttributeType: 'S' },
        { AttributeName: 'subject_id', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'event_id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: AUDIT_INDEX,
          KeySchema: [{ AttributeName: 'subject_id', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await db.tableActive(AUDIT_TABLE);
});
afterAll(async () => {
  await db.stop();
});
beforeEach(() => {
  sm = mockSecrets();
  sm.add(KEY_SECRET, OLD_ADMIN_KEY);
});
afterEach(async () => {
  await h?.stop();
  await app?.close();
  h = undefined;
  app = undefined;
  sm.mock.restore();
});

function config(appUrl: string, waitSeconds: number, approvals: 0 | 1): FileConfig {
  const file = exampleConfig();
  for (const c of ['rotate-key', 'revoke-connection', 'expire-cert'])
    file.policies[c] = { prod: { approvals, approver_groups: ['t-josh'] } };
  file.targets.record_actions = {
    via: 'admin_api',
    admin_api: {
      url: appUrl,
      key_secret: KEY_SECRET,
      header: 'Authorization',
      scheme: 'Bearer',
      region: 'us-east-1',
      timeout_ms: 400,
    },
    app_audit: {
      table: AUDIT_TABLE,
      region: 'us-east-1',
      index: AUDIT_INDEX,
      subject_attribute: 'subject_id',
      event_attribute: 'event',
      time_attribute: 'ts',
      id_attribute: 'event_id',
      wait_seconds: waitSeconds,
      poll_ms: 100,
      events: {
        rotate_key: 'duck.key_rotated',
        revoke_connection: 'duck.connection_revoked',
        expire_cert: 'duck.cert_expired',
      },
    },
    spaceduck_attribute: 'spaceduck_id',
    bonded_attribute: 'bonded',
  };
  return file;
}

async function start(options: AppOptions, waitSeconds = 5, approvals: 0 | 1 = 0) {
  app = await startMissionControlApp(db, options);
  logLines = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  h = await startHarness({
    file: config(app.url, waitSeconds, approvals),
    aws: runbookPorts({ ...db.records }),
    log: createLogger('trace', sink),
  });
}

let n = 0;
const uniqueId = (prefix: string) => `${prefix}_adm${Date.now().toString(36)}${n++}`;

/** Runs a command through Slack; returns the result reply and the final progress message text. */
async function run(text: string, command: string) {
  const harness = h!;
  expect((await harness.client.command(text, USERS.alice)).status).toBe(200);
  const message = await waitFor('the run message', () =>
    harness.slack.state
      .channelMessages('C0OPS')
      .find((m) => !m.thread_ts && m.text.includes(command)),
  );
  const reply = await waitFor(
    'the result reply',
    () => harness.slack.state.channelMessages('C0OPS', message.ts)[0],
    30_000,
  );
  const progress = await waitFor('the final progress edit', () => {
    const now = harness.slack.state.find('C0OPS', message.ts)!;
    return /^(✅|❌)/.test(now.text) ? now : undefined;
  });
  return { reply: reply.text, progress: messageText(progress) };
}

/** Slack (every call), logs (audit entries included) and Redis hold no trace of `secret`. */
async function expectNowhere(secret: string) {
  const harness = h!;
  expect(JSON.stringify(harness.slack.state.calls)).not.toContain(secret);
  expect(JSON.stringify(harness.slack.state.messages)).not.toContain(secret);
  expect(logLines.length).toBeGreaterThan(0);
  expect(logLines.join('')).not.toContain(secret);
  const stored = await redisDump(harness.redis, harness.prefix);
  expect(stored).toContain(':runs:');
  expect(stored).not.toContain(secret);
}

async function duckling(status = 'ACTIVE') {
  const id = uniqueId('dk');
  await db.put('spaceduck-ducklings', {
    duckling_id: id,
    status,
    key_id: 'key_before',
    email: 'ada@example.com',
  });
  return id;
}

describe('rotate-key via the admin API', () => {
  it('posts the documented body once with Idempotency-Key, checks the answer, and sees the audit event', async () => {
    await start({ acceptedKey: OLD_ADMIN_KEY });
    const id = await duckling();
    const { reply, progress } = await run(`rotate-key ${id}`, 'rotate-key');
    expect(reply).toContain('rotate-key done');
    expect(app!.posts).toHaveLength(1);
    const post = app!.posts[0]!;
    expect(JSON.parse(post.body)).toEqual({ action: 'rotate_key', duckling_id: id });
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.headers['idempotency-key']).toMatch(/^req_/);
    const record = await db.get('spaceduck-ducklings', { duckling_id: id });
    expect(record!.key_id).not.toBe('key_before');
    expect(progress).toMatch(/✓ duck\.key_rotated evt_[0-9a-f]{8}/);
    // The admin key and the key the app generated appear nowhere the bot writes.
    await expectNowhere(OLD_ADMIN_KEY);
    expect(app!.generatedKeys).toHaveLength(1);
    await expectNowhere(app!.generatedKeys[0]!);
  });

  it('fails on a non-ok answer with the status and a redacted body, and does not post again', async () => {
    await start({ acceptedKey: OLD_ADMIN_KEY, next: 'refuse' });
    const id = await duckling();
    const { reply } = await run(`rotate-key ${id}`, 'rotate-key');
    expect(reply).toContain('admin_api_refused');
    expect(reply).toContain('409');
    expect(reply).toContain('duckling locked');
    expect(reply).not.toContain('sk_live_shouldneverbeshown1234');
    expect(app!.posts).toHaveLength(1);
    await expectNowhere('sk_live_shouldneverbeshown1234');
  });

  it('after a 401 reads the key from Secrets Manager again and succeeds with the new one', async () => {
    await start({
      acceptedKey: NEW_ADMIN_KEY,
      // The admin key was rotated just now: the secret holds the new one from here on.
      onUnauthorized: () => {
        const secret = sm.secrets.get(KEY_SECRET)!;
        secret.versions = [{ id: 'v-new', value: NEW_ADMIN_KEY, stages: ['AWSCURRENT'] }];
      },
    });
    const id = await duckling();
    const { reply } = await run(`rotate-key ${id}`, 'rotate-key');
    expect(reply).toContain('rotate-key done');
    expect(app!.posts.map((p) => p.headers.authorization)).toEqual([
      `Bearer ${OLD_ADMIN_KEY}`,
      `Bearer ${NEW_ADMIN_KEY}`,
    ]);
    const keys = new Set(app!.posts.map((p) => p.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect(sm.mock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    await expectNowhere(OLD_ADMIN_KEY);
    await expectNowhere(NEW_ADMIN_KEY);
  });

  it('after a timeout, the retried run reads the record first and does not post a second time', async () => {
    await start({ acceptedKey: OLD_ADMIN_KEY, next: 'apply-then-hang' });
    const id = await duckling();
    const { reply, progress } = await run(`rotate-key ${id}`, 'rotate-key');
    expect(reply).toContain('rotate-key done');
    expect(app!.posts).toHaveLength(1);
    expect(progress).toContain('took effect; not sent again');
    expect(progress).toMatch(/✓ duck\.key_rotated evt_/);
  });

  it('refuses a duckling that is not ACTIVE without posting', async () => {
    await start({ acceptedKey: OLD_ADMIN_KEY });
    const id = await duckling('SUSPENDED');
    await h!.client.command(`rotate-key ${id}`, USERS.alice);
    await waitFor('the refusal', () =>
      h!.slack.state.messages.find((m) => /not ACTIVE/.test(messageText(m))),
    );
    expect(app!.posts).toHaveLength(0);
  });
});

describe("the app's audit event after the action", () => {
  it('late: seen when it arrives within the wait', async () => {
    await start({ acceptedKey: OLD_ADMIN_KEY, audit: { delayMs: 1_000 } }, 20);
    const id = await duckling();
    const { reply, progress } = await run(`rotate-key ${id}`, 'rotate-key');
    expect(reply).toContain('rotate-key done');
    expect(progress).toMatch(/✓ duck\.key_rotated evt_/);
  });

  it('absent: ⚠ "action done, audit event not seen", the run is done and nothing is retried', async () => {
    await start({ acceptedKey: OLD_ADMIN_KEY, audit: 'never' }, 1);
    const id = await duckling();
    const { reply, progress } = await run(`rotate-key ${id}`, 'rotate-key');
    expect(reply).toContain('rotate-key done');
    expect(progress).toContain('⚠ action done, audit event duck.key_rotated not seen within 1 s');
    expect(app!.posts).toHaveLength(1);
  });
});

describe('revoke-connection and expire-cert via the admin API', () => {
  async function connection(status: string) {
    const dk = await duckling();
    const spaceduck = uniqueId('sd');
    await db.put('spaceduck-ducklings', {
      ...(await db.get('spaceduck-ducklings', { duckling_id: dk })),
      bonded: [spaceduck, 'sd_other'],
    });
    const id = uniqueId('conn');
    await db.put('spaceduck-connections', {
      connection_id: id,
      duckling_id: dk,
      spaceduck_id: spaceduck,
      status,
    });
    return { id, dk, spaceduck };
  }

  it('revoke_connection: the documented body, the app removes the spaceduck, the bonded list is checked', async () => {
    await start({ acceptedKey: OLD_ADMIN_KEY });
    const c = await connection('ACTIVE');
    const { reply, progress } = await run(
      `revoke-connection ${c.id} reason="abusive pulses"`,
      'revoke-connection',
    );
    expect(reply).toContain('revoke-connection done');
    expect(app!.posts.map((p) => JSON.parse(p.body))).toEqual([
      { action: 'revoke_connection', connection_id: c.id },
    ]);
    expect(progress).toContain(
      `✓ spaceduck ${c.spaceduck} is absent from duckling ${c.dk}'s bonded list`,
    );
    expect(progress).toMatch(/✓ duck\.connection_revoked evt_/);
  });

  it('an already revoked connection runs at once without approval (nothing to change) and posts nothing', async () => {
    await start({ acceptedKey: OLD_ADMIN_KEY }, 5, 1);
    const c = await connection('REVOKED');
    const { reply, progress } = await run(
      `revoke-connection ${c.id} reason="again"`,
      'revoke-connection',
    );
    expect(reply).toContain('revoke-connection done');
    expect(progress).toContain('nothing to change');
    expect(app!.posts).toHaveLength(0);
    // Nothing was asked of the app, so no audit event of it is waited for (or missed).
    expect(progress).toContain('nothing was asked of the app; no audit event to wait for');
    expect(progress).not.toContain('not seen');
    // No request card waited for an approver.
    expect(h!.slack.state.messages.some((m) => /Approve/.test(messageText(m)))).toBe(false);
  });

  it('an active connection in prod still waits for approval', async () => {
    await start({ acceptedKey: OLD_ADMIN_KEY }, 5, 1);
    const c = await connection('ACTIVE');
    await h!.client.command(`revoke-connection ${c.id} reason="abusive pulses"`, USERS.alice);
    await waitFor('the request card', () =>
      h!.slack.state.messages.find((m) => /Approve/.test(messageText(m))),
    );
    expect(app!.posts).toHaveLength(0);
  });

  it('expire_cert: the documented body and the duck.cert_expired event', async () => {
    await start({ acceptedKey: OLD_ADMIN_KEY });
    const dk = await duckling();
    const id = uniqueId('cert');
    await db.put('spaceduck-certs', { cert_id: id, duckling_id: dk, status: 'ISSUED' });
    const { reply, progress } = await run(
      `expire-cert ${id} duckling=${dk} reason="issued in error"`,
      'expire-cert',
    );
    expect(reply).toContain('expire-cert done');
    expect(app!.posts.map((p) => JSON.parse(p.body))).toEqual([
      { action: 'expire_cert', cert_id: id },
    ]);
    expect((await db.get('spaceduck-certs', { cert_id: id }))!.status).toBe('EXPIRED');
    expect(progress).toMatch(/✓ duck\.cert_expired evt_/);
  });

  it('expire_cert: an already expired cert posts nothing and waits for no audit event', async () => {
    await start({ acceptedKey: OLD_ADMIN_KEY });
    const dk = await duckling();
    const id = uniqueId('cert');
    await db.put('spaceduck-certs', {
      cert_id: id,
      duckling_id: dk,
      status: 'EXPIRED',
      expires_at: '2026-01-01T00:00:00.000Z',
    });
    const { reply, progress } = await run(
      `expire-cert ${id} duckling=${dk} reason="again"`,
      'expire-cert',
    );
    expect(reply).toContain('expire-cert done');
    expect(progress).toContain('left as it was');
    expect(app!.posts).toHaveLength(0);
    expect(progress).toContain('nothing was asked of the app; no audit event to wait for');
    expect(progress).not.toContain('not seen');
  });
});
