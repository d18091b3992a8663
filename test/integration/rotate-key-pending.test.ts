import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import rotateKey from '../../commands/rotate-key.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { requestToken, sha256Hex } from '../../src/sdk/generate.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { type Dynalite, SPACEDUCK_TABLES, startDynalite } from '../helpers/dynalite.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { runbookPorts } from '../helpers/runbook-ports.ts';
import { mockSecrets, type SecretsMock } from '../helpers/secrets-mock.ts';
import { stepContext } from '../helpers/step-context.ts';

/**
 * rotate-key into a secret that already holds the old key: the new key is staged AWSPENDING, then
 * activated in DynamoDB (dynalite), and only then made AWSCURRENT (Secrets Manager through
 * aws-sdk-client-mock). Consumers reading AWSCURRENT must never get a key DynamoDB does not hold.
 */

const DUCKLINGS = 'spaceduck-ducklings';
const OLD_KEY = 'old-key-plaintext-in-the-secret-0000000000';
const REQUEST = 'req_pending0123456789';
const TOKEN = requestToken(REQUEST, 'rotate-key');

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

let n = 0;

/** An ACTIVE duckling whose secret holds its current (old) key as AWSCURRENT. */
async function ducklingWithSecret() {
  const id = `dk_pending${Date.now().toString(36)}${n++}`;
  await db.put(DUCKLINGS, {
    duckling_id: id,
    status: 'ACTIVE',
    key_id: 'key_old',
    key_hash: sha256Hex(OLD_KEY),
  });
  const secret = `ducklings/${id}/api-key`;
  sm.add(secret, OLD_KEY);
  return { id, secret };
}

/**
 * Ports on dynalite whose UpdateItem calls are noted in one timeline with the Secrets Manager
 * calls, so a test can assert their order.
 */
function timedPorts() {
  const ports: Ports = runbookPorts({ ...db.records });
  const activations: number[] = [];
  const update = ports.records.update;
  ports.records.update = async (input) => {
    activations.push(sm.mock.calls().length);
    return update(input);
  };
  const timeline = () => {
    const names = sm.mock.calls().map((c) => (c.args[0] as object).constructor.name);
    for (const at of [...activations].reverse()) names.splice(at, 0, 'UpdateItem');
    return names.map((name) => name.replace(/Command$/, ''));
  };
  return { ports, timeline };
}

const rotation = (id: string, ports: Ports) =>
  stepContext({
    command: rotateKey,
    args: { duckling_id: id },
    ports,
    targets,
    requestId: REQUEST,
  });

const inputsOf = (name: string) =>
  sm.mock
    .calls()
    .filter((c) => (c.args[0] as object).constructor.name === `${name}Command`)
    .map((c) => c.args[0].input as Record<string, unknown>);

const stagesOf = (secret: string) =>
  Object.fromEntries(sm.secrets.get(secret)!.versions.map((v) => [v.id, v.stages]));

describe('rotate-key stages the new key AWSPENDING and makes it AWSCURRENT after activation', () => {
  it('puts AWSPENDING, then activates in DynamoDB, then moves AWSCURRENT to the new version', async () => {
    const { id, secret } = await ducklingWithSecret();
    const { ports, timeline } = timedPorts();
    const run = rotation(id, ports);
    await run.runAll();
    expect(timeline()).toEqual([
      'DescribeSecret',
      'PutSecretValue',
      'UpdateItem',
      'DescribeSecret',
      'UpdateSecretVersionStage',
      'UpdateSecretVersionStage',
    ]);
    expect(inputsOf('PutSecretValue')).toEqual([
      expect.objectContaining({ ClientRequestToken: TOKEN, VersionStages: ['AWSPENDING'] }),
    ]);
    expect(inputsOf('UpdateSecretVersionStage')).toEqual([
      {
        SecretId: secret,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: TOKEN,
        RemoveFromVersionId: 'v-initial-0000',
      },
      { SecretId: secret, VersionStage: 'AWSPENDING', RemoveFromVersionId: TOKEN },
    ]);
    expect(stagesOf(secret)).toEqual({
      'v-initial-0000': ['AWSPREVIOUS'],
      [TOKEN]: ['AWSCURRENT'],
    });
    const key = sm.current(secret)!.value;
    expect(key).not.toBe(OLD_KEY);
    expect(await db.get(DUCKLINGS, { duckling_id: id })).toMatchObject({
      key_hash: sha256Hex(key),
      last_request_id: REQUEST,
    });
    expect(run.steps.map((s) => s.name)).toEqual([
      'check-account',
      'rotate-key',
      'make-current',
      'audit',
    ]);
    expect(JSON.stringify(run.ctx.results)).not.toContain(key);
    expect(JSON.stringify(run.captured)).not.toContain(key);
  });

  it('the plan says the key is staged AWSPENDING and made AWSCURRENT after activation', async () => {
    const { id } = await ducklingWithSecret();
    const plan = await rotateKey.plan!(rotation(id, timedPorts().ports).ctx);
    expect(plan.details!.join('\n')).toMatch(/staged AWSPENDING[\s\S]*made AWSCURRENT only after/);
  });

  it('a failed activation (the condition fails) never moves AWSCURRENT: the old key stays current', async () => {
    const { id, secret } = await ducklingWithSecret();
    const { ports } = timedPorts();
    const put = ports.secrets.putValue;
    ports.secrets.putValue = async (input) => {
      const out = await put(input);
      await db.put(DUCKLINGS, {
        duckling_id: id,
        status: 'SUSPENDED',
        key_hash: sha256Hex(OLD_KEY),
      });
      return out;
    };
    const error = await rotation(id, ports)
      .runAll()
      .catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'account_not_active' });
    expect((error as Error).message).toContain("did not replace the secret's AWSCURRENT version");
    expect(inputsOf('UpdateSecretVersionStage')).toEqual([]);
    expect(sm.current(secret)!.value).toBe(OLD_KEY);
    expect(stagesOf(secret)).toEqual({ 'v-initial-0000': ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] });
    const staged = sm.secrets.get(secret)!.versions.find((v) => v.id === TOKEN)!.value;
    expect((error as Error).message).not.toContain(staged);
    expect((await db.get(DUCKLINGS, { duckling_id: id }))!.key_hash).toBe(sha256Hex(OLD_KEY));
  });

  it('a DynamoDB error during activation never moves AWSCURRENT', async () => {
    const { id, secret } = await ducklingWithSecret();
    const { ports } = timedPorts();
    ports.records.update = async () => {
      throw Object.assign(new Error('DynamoDB is unavailable'), { name: 'InternalServerError' });
    };
    await expect(rotation(id, ports).runAll()).rejects.toThrow('DynamoDB is unavailable');
    expect(inputsOf('UpdateSecretVersionStage')).toEqual([]);
    expect(sm.current(secret)!.value).toBe(OLD_KEY);
    expect(stagesOf(secret)[TOKEN]).toEqual(['AWSPENDING']);
  });

  it('a retry after a crash between activation and promotion promotes the same key, issuing none', async () => {
    const { id, secret } = await ducklingWithSecret();
    const crashing = timedPorts();
    const moveStage = crashing.ports.secrets.moveStage;
    crashing.ports.secrets.moveStage = async () => {
      throw new Error('worker killed');
    };
    // The worker dies after the activating UpdateItem, before rotate-key's checkpoint is saved.
    await expect(rotation(id, crashing.ports).runAll()).rejects.toThrow('worker killed');
    const staged = sm.secrets.get(secret)!.versions.find((v) => v.id === TOKEN)!.value;
    expect(sm.current(secret)!.value).toBe(OLD_KEY);
    expect((await db.get(DUCKLINGS, { duckling_id: id }))!.key_hash).toBe(sha256Hex(staged));

    crashing.ports.secrets.moveStage = moveStage;
    const retry = rotation(id, crashing.ports);
    const results = await retry.runAll();
    expect(results['rotate-key']).toMatchObject({ already: true });
    expect(results['make-current']).toMatchObject({ current: true, moved: true });
    expect(inputsOf('PutSecretValue')).toHaveLength(1);
    expect(sm.secrets.get(secret)!.versions).toHaveLength(2);
    expect(sm.current(secret)!.value).toBe(staged);
    expect(stagesOf(secret)).toEqual({
      'v-initial-0000': ['AWSPREVIOUS'],
      [TOKEN]: ['AWSCURRENT'],
    });
    expect((await db.get(DUCKLINGS, { duckling_id: id }))!.key_hash).toBe(sha256Hex(staged));
    expect(retry.captured.progress).toContain('this request already activated its key');
    expect(retry.captured.records).toHaveLength(1);
  });

  it('a retry after a crash between the two label moves only takes AWSPENDING off', async () => {
    const { id, secret } = await ducklingWithSecret();
    const { ports } = timedPorts();
    const moveStage = ports.secrets.moveStage;
    let moves = 0;
    ports.secrets.moveStage = async (input) => {
      if (++moves === 2) throw new Error('worker killed');
      return moveStage(input);
    };
    const first = rotation(id, ports);
    await expect(first.runAll()).rejects.toThrow('worker killed');
    expect(stagesOf(secret)[TOKEN]).toEqual(['AWSPENDING', 'AWSCURRENT']);

    ports.secrets.moveStage = moveStage;
    // rotate-key was checkpointed this time: the retry starts at make-current.
    const retry = stepContext({
      command: rotateKey,
      args: { duckling_id: id },
      ports,
      targets,
      requestId: REQUEST,
      done: {
        'check-account': first.ctx.results['check-account'],
        'rotate-key': first.ctx.results['rotate-key'],
      },
    });
    const before = inputsOf('UpdateSecretVersionStage').length;
    await retry.runAll();
    expect(inputsOf('UpdateSecretVersionStage').slice(before)).toEqual([
      { SecretId: secret, VersionStage: 'AWSPENDING', RemoveFromVersionId: TOKEN },
    ]);
    expect(stagesOf(secret)).toEqual({
      'v-initial-0000': ['AWSPREVIOUS'],
      [TOKEN]: ['AWSCURRENT'],
    });
    expect(retry.captured.progress).toContain('the new key was already AWSCURRENT');
  });

  it('a late retry never makes current a key that a later rotation replaced', async () => {
    const { id, secret } = await ducklingWithSecret();
    const { ports } = timedPorts();
    const first = rotation(id, ports);
    await first.runStep('check-account');
    await first.runStep('rotate-key');
    // Another request rotates the key to completion before this run's make-current.
    await stepContext({
      command: rotateKey,
      args: { duckling_id: id },
      ports,
      targets,
      requestId: 'req_later0123456789',
    }).runAll();
    const later = sm.current(secret)!.id;
    expect(later).toBe(requestToken('req_later0123456789', 'rotate-key'));
    await first.runStep('make-current');
    expect(sm.current(secret)!.id).toBe(later);
    expect(first.captured.progress).toContain(
      'a later rotation replaced this key; Secrets Manager left as it is',
    );
  });
});
