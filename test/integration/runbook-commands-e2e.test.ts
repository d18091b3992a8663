import { Writable } from 'node:stream';
import { StartDeploymentCommand } from '@aws-sdk/client-apprunner';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { sha256Hex } from '../../src/sdk/generate.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { type Dynalite, SPACEDUCK_TABLES, startDynalite } from '../helpers/dynalite.ts';
import { exampleConfig, type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { runbookPorts } from '../helpers/runbook-ports.ts';
import { mockSecrets, type SecretsMock } from '../helpers/secrets-mock.ts';
import { mockAppRunner } from '../helpers/services-mock.ts';

const DROP_ARN =
  'arn:aws:apprunner:eu-west-1:123456789012:service/drop/8fe1e10304f84fd2b0df550fe98a71fa';

/**
 * The runbook commands end to end: signed slash command → queue → worker → real adapters
 * (dynalite, Secrets Manager via aws-sdk-client-mock) → Slack emulator. Approvals are switched
 * off with a config policy override (`prod: { approvals: 0 }`) so these tests do not depend on
 * the approval flow.
 */

const COMMANDS = ['rotate-key', 'revoke-connection', 'expire-cert', 'rotate-secret'];

function config(deliver: 'secrets_manager' | 'ephemeral' = 'secrets_manager') {
  const file = exampleConfig();
  for (const c of COMMANDS) file.policies[c] = { prod: { approvals: 0 } };
  if (deliver === 'ephemeral') file.targets.rotate_key = { deliver: 'ephemeral' };
  for (const s of Object.values(file.targets.services)) s.poll_interval_ms = 1;
  return file;
}

/** Every value under the test's Redis prefix (our keys and BullMQ's job data and return values). */
async function redisDump(redis: Redis, prefix: string): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      const value =
        type === 'string'
          ? await redis.get(key)
          : type === 'hash'
            ? await redis.hgetall(key)
            : type === 'list'
              ? await redis.lrange(key, 0, -1)
              : type === 'set'
                ? await redis.smembers(key)
                : type === 'zset'
                  ? await redis.zrange(key, '0', '-1', 'WITHSCORES')
                  : type === 'stream'
                    ? await redis.xrange(key, '-', '+')
                    : null;
      out.push(`${key} ${JSON.stringify(value)}`);
    }
  } while (cursor !== '0');
  return out.join('\n');
}

let db: Dynalite;
let sm: SecretsMock;
let h: Harness;
let ports: Ports;
let logLines: string[];

beforeAll(async () => {
  db = await startDynalite(SPACEDUCK_TABLES);
});
afterAll(async () => {
  await db.stop();
});

async function start(
  deliver: 'secrets_manager' | 'ephemeral' = 'secrets_manager',
  lockWaitMs?: number,
) {
  logLines = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  ports = runbookPorts({ ...db.records });
  h = await startHarness({
    file: config(deliver),
    aws: ports,
    log: createLogger('trace', sink),
    lockWaitMs,
  });
}

beforeEach(() => {
  sm = mockSecrets();
});
afterEach(async () => {
  await h?.stop();
  sm.mock.restore();
});

let n = 0;
const uniqueId = (prefix: string) => `${prefix}_e2e${Date.now().toString(36)}${n++}`;

async function runThroughSlack(text: string, command: string) {
  const response = await h.client.command(text, USERS.alice);
  expect(response.status).toBe(200);
  const message = await waitFor('the run message', () =>
    h.slack.state.channelMessages('C0OPS').find((m) => !m.thread_ts && m.text.includes(command)),
  );
  const reply = await waitFor(
    'the result reply',
    () => h.slack.state.channelMessages('C0OPS', message.ts)[0],
  );
  await waitFor('the final progress edit', () => {
    const now = h.slack.state.find('C0OPS', message.ts)!;
    return /^(✅|❌)/.test(now.text);
  });
  return reply;
}

/** Searches every place a secret must never be: Slack, logs and audit entries, Redis. */
async function expectNowhere(secret: string, allowedEphemeral = 0) {
  expect(secret.length).toBeGreaterThanOrEqual(32);
  const ephemeralWithSecret = h.slack.state.calls.filter(
    (c) => c.method === 'chat.postEphemeral' && JSON.stringify(c.args).includes(secret),
  );
  expect(ephemeralWithSecret).toHaveLength(allowedEphemeral);
  for (const c of ephemeralWithSecret) expect(c.args.user).toBe(USERS.alice.id);
  const otherCalls = h.slack.state.calls.filter((c) => !ephemeralWithSecret.includes(c));
  expect(JSON.stringify(otherCalls)).not.toContain(secret);
  expect(JSON.stringify(h.slack.state.messages.filter((m) => !m.visibleTo))).not.toContain(secret);
  expect(logLines.length).toBeGreaterThan(0);
  expect(logLines.join('')).not.toContain(secret);
  const audit = logLines.filter((l) => l.includes('"audit"'));
  expect(audit.length).toBeGreaterThan(0);
  expect(audit.join('')).not.toContain(secret);
  const stored = await redisDump(h.redis, h.prefix);
  expect(stored).toContain(':runs:');
  expect(stored).not.toContain(secret);
  return { audit, stored };
}

describe('rotate-key end to end', () => {
  it('delivers to Secrets Manager only, stores the hash, and the key is nowhere else', async () => {
    await start();
    const id = uniqueId('dk');
    await db.put('spaceduck-ducklings', { duckling_id: id, status: 'ACTIVE', key_hash: 'old' });
    const reply = await runThroughSlack(`rotate-key ${id}`, 'rotate-key');
    expect(reply.text).toContain('rotate-key done');
    const key = sm.current(`ducklings/${id}/api-key`)!.value;
    const item = await db.get('spaceduck-ducklings', { duckling_id: id });
    expect(item!.key_hash).toBe(sha256Hex(key));
    const { audit, stored } = await expectNowhere(key);
    expect(audit.some((l) => l.includes('duck.key_rotated') && l.includes(id))).toBe(true);
    expect(stored).toContain('rotate-key');
  });

  it('into an existing secret: stages AWSPENDING, then makes it AWSCURRENT, and the key is nowhere else', async () => {
    await start();
    const id = uniqueId('dk');
    await db.put('spaceduck-ducklings', { duckling_id: id, status: 'ACTIVE', key_hash: 'old' });
    sm.add(`ducklings/${id}/api-key`, 'old-key-in-the-secret');
    const reply = await runThroughSlack(`rotate-key ${id}`, 'rotate-key');
    expect(reply.text).toContain('rotate-key done');
    const secret = sm.secrets.get(`ducklings/${id}/api-key`)!;
    const key = sm.current(`ducklings/${id}/api-key`)!.value;
    expect(secret.versions.map((v) => v.stages)).toEqual([['AWSPREVIOUS'], ['AWSCURRENT']]);
    expect((await db.get('spaceduck-ducklings', { duckling_id: id }))!.key_hash).toBe(
      sha256Hex(key),
    );
    await expectNowhere(key);
  });

  it('ephemeral delivery: the key goes only to the requester, also when the run then fails', async () => {
    await start('ephemeral');
    const id = uniqueId('dk');
    await db.put('spaceduck-ducklings', { duckling_id: id, status: 'ACTIVE', key_hash: 'old' });
    // The account is suspended between delivery and activation: the run fails with an error text.
    const update = ports.records.update;
    ports.records.update = async (input) => {
      await db.put('spaceduck-ducklings', {
        duckling_id: id,
        status: 'SUSPENDED',
        key_hash: 'old',
      });
      return update(input);
    };
    const reply = await runThroughSlack(`rotate-key ${id}`, 'rotate-key');
    expect(reply.text).toContain('account_not_active');
    expect(reply.text).toContain('was never activated');
    const shown = h.slack.state.calls.find((c) => c.method === 'chat.postEphemeral')!;
    const key = /```([A-Za-z0-9_-]{43})```/.exec(JSON.stringify(shown.args.blocks))![1]!;
    await expectNowhere(key, 1);
    expect((await db.get('spaceduck-ducklings', { duckling_id: id }))!.key_hash).toBe('old');
  });

  it('refuses an inactive duckling', async () => {
    await start();
    const id = uniqueId('dk');
    await db.put('spaceduck-ducklings', { duckling_id: id, status: 'SUSPENDED' });
    const reply = await runThroughSlack(`rotate-key ${id}`, 'rotate-key');
    expect(reply.text).toContain(`duckling ${id} is SUSPENDED, not ACTIVE`);
    expect(sm.secrets.size).toBe(0);
  });
});

describe('revoke-connection, expire-cert and rotate-secret end to end', () => {
  it('revoke-connection marks the record REVOKED and records the operator note', async () => {
    await start();
    const id = uniqueId('conn');
    await db.put('spaceduck-connections', { connection_id: id, status: 'ACTIVE' });
    const reply = await runThroughSlack(
      `revoke-connection ${id} reason="token leaked in a ticket"`,
      'revoke-connection',
    );
    expect(reply.text).toContain('revoke-connection done');
    expect(await db.get('spaceduck-connections', { connection_id: id })).toMatchObject({
      status: 'REVOKED',
      revoked_by: USERS.alice.id,
      reason: 'token leaked in a ticket',
    });
    const audit = logLines.join('');
    expect(audit).toContain('"action":"operator.note"');
    expect(audit).toContain('"action":"connection.revoked"');
  });

  it('expire-cert on a missing cert fails with a message naming the cert and the table', async () => {
    await start();
    const reply = await runThroughSlack(
      'expire-cert cert_missing reason="key compromise"',
      'expire-cert',
    );
    expect(reply.text).toContain('no certificate cert_missing in table spaceduck-certs');
    expect(await db.get('spaceduck-certs', { cert_id: 'cert_missing' })).toBeUndefined();
  });

  it('expire-cert sets EXPIRED and records duck.cert_expired', async () => {
    await start();
    const id = uniqueId('cert');
    await db.put('spaceduck-certs', { cert_id: id, status: 'VALID', duckling_id: 'dk_1' });
    const reply = await runThroughSlack(`expire-cert ${id} reason="rotation"`, 'expire-cert');
    expect(reply.text).toContain('expire-cert done');
    expect(await db.get('spaceduck-certs', { cert_id: id })).toMatchObject({ status: 'EXPIRED' });
    expect(logLines.join('')).toContain('"action":"duck.cert_expired"');
  });

  it('rotate-secret survives throttling (retried run), stores one version, restarts its consumer once, and the value is nowhere else', async () => {
    await start();
    sm.add('drop/jwt-secret');
    sm.failNext('PutSecretValue', sm.awsError('ThrottlingException', 'Rate exceeded'));
    const drop = mockAppRunner({ serviceArn: DROP_ARN });
    try {
      const reply = await runThroughSlack('rotate-secret jwt-secret', 'rotate-secret');
      expect(reply.text).toContain('rotate-secret done');
      expect(drop.mock.commandCalls(StartDeploymentCommand)).toHaveLength(1);
    } finally {
      drop.mock.restore();
    }
    expect(logLines.join('')).toContain('"event":"service.restarted"');
    const versions = sm.secrets.get('drop/jwt-secret')!.versions;
    expect(versions).toHaveLength(2);
    const value = sm.current('drop/jwt-secret')!.value;
    expect(value).toMatch(/^[A-Za-z0-9]{64}$/);
    const { audit } = await expectNowhere(value);
    expect(audit.some((l) => l.includes('secret.rotated'))).toBe(true);
  });

  it('a second run on the same connection waits for the lock, then is refused naming the holder', async () => {
    await start('secrets_manager', 500);
    const id = uniqueId('conn');
    await db.put('spaceduck-connections', { connection_id: id, status: 'ACTIVE' });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const update = ports.records.update;
    let started = 0;
    ports.records.update = async (input) => {
      started += 1;
      await held;
      return update(input);
    };
    await h.client.command(`revoke-connection ${id} reason="first"`, USERS.alice);
    await waitFor('the first run to hold the lock', () => started === 1);
    await h.client.command(`revoke-connection ${id} reason="second"`, USERS.bob);
    const refused = await waitFor('the refusal', () =>
      h.slack.state
        .channelMessages('C0OPS')
        .find((m) => m.thread_ts && m.text.includes('resource_busy')),
    );
    expect(refused.text).toMatch(new RegExp(`connections:${id} is held by run_`));
    release();
    await waitFor('the first run to finish', () =>
      h.slack.state
        .channelMessages('C0OPS')
        .some((m) => m.thread_ts && m.text.includes('revoke-connection done')),
    );
    expect(started).toBe(1);
    expect(await db.get('spaceduck-connections', { connection_id: id })).toMatchObject({
      reason: 'first',
    });
  });
});
