import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  DescribeSecretCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import rotateSecret from '../../commands/rotate-secret.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { requestToken } from '../../src/sdk/generate.ts';
import type { RecordsPort } from '../../src/sdk/ports/index.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { runbookPorts } from '../helpers/runbook-ports.ts';
import { mockSecrets, type SecretsMock } from '../helpers/secrets-mock.ts';
import { mockEcs } from '../helpers/services-mock.ts';
import { stepContext } from '../helpers/step-context.ts';

const SECRET = 'drop/jwt-secret';
const unusedRecords = {} as RecordsPort;

let sm: SecretsMock;
let targets: FileConfig['targets'];

beforeEach(() => {
  sm = mockSecrets('eu-west-1');
  targets = exampleConfig().targets;
  // The consumers' restarts have their own tests below.
  targets.secrets['jwt-secret']!.consumers = [];
});
afterEach(() => sm.mock.restore());

const run = (requestId = 'req_00000000000000a1') =>
  stepContext({
    command: rotateSecret,
    args: { secret: 'jwt-secret' },
    ports: runbookPorts(unusedRecords),
    targets,
    requestId,
  });

describe('rotate-secret with a generated value', () => {
  it('puts a value of the configured length and charset with the request id as ClientRequestToken', async () => {
    sm.add(SECRET);
    const r = run();
    const results = await r.runAll();
    const puts = sm.mock.commandCalls(PutSecretValueCommand);
    expect(puts).toHaveLength(1);
    const input = puts[0]!.args[0].input;
    expect(input.ClientRequestToken).toBe(requestToken('req_00000000000000a1', 'rotate-secret'));
    expect(input.ClientRequestToken!.length).toBeGreaterThanOrEqual(32);
    expect(input.SecretString).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(sm.current(SECRET)!.value).toBe(input.SecretString);
    expect(JSON.stringify(results)).not.toContain(input.SecretString);
    expect(JSON.stringify(r.captured)).not.toContain(input.SecretString);
    expect(r.captured.records).toEqual([
      {
        event: 'secret.rotated',
        data: expect.objectContaining({ secret: 'jwt-secret', method: 'PutSecretValue' }),
      },
    ]);
  });

  it('honours charset and length from config', async () => {
    targets.secrets['jwt-secret']!.charset = 'hex';
    targets.secrets['jwt-secret']!.length = 40;
    sm.add(SECRET);
    await run().runAll();
    expect(sm.current(SECRET)!.value).toMatch(/^[0-9a-f]{40}$/);
  });

  it('a retried run of the same request is a no-op: one new version, AWSCURRENT unchanged', async () => {
    sm.add(SECRET);
    await run().runAll();
    const current = sm.current(SECRET)!;
    const retry = run();
    const out = await retry.runStep('new-version');
    expect(out).toMatchObject({ already: true, versionId: current.id });
    expect(sm.mock.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    expect(sm.current(SECRET)).toEqual(current);
    expect(sm.secrets.get(SECRET)!.versions).toHaveLength(2);
  });

  it('AWS itself rejects the same token with another value, so a blind retry could never make two versions', async () => {
    sm.add(SECRET);
    const ports = runbookPorts(unusedRecords);
    const token = requestToken('req_x', 'rotate-secret');
    await ports.secrets.putValue({
      secretId: SECRET,
      value: 'a'.repeat(32),
      clientRequestToken: token,
    });
    await ports.secrets.putValue({
      secretId: SECRET,
      value: 'a'.repeat(32),
      clientRequestToken: token,
    });
    expect(sm.secrets.get(SECRET)!.versions).toHaveLength(2);
    await expect(
      ports.secrets.putValue({
        secretId: SECRET,
        value: 'b'.repeat(32),
        clientRequestToken: token,
      }),
    ).rejects.toMatchObject({
      code: 'aws_error',
      message: expect.not.stringContaining('b'.repeat(32)),
    });
  });

  it('refuses while a rotation is pending, with a clear message, in the plan and the step', async () => {
    sm.add(SECRET);
    sm.stagePending(SECRET);
    const r = run();
    await expect(rotateSecret.plan!(r.ctx)).rejects.toMatchObject({
      kind: 'user',
      code: 'rotation_pending',
      message: expect.stringContaining(
        'a rotation of drop/jwt-secret is still pending (version v-pending-1111',
      ),
    });
    await expect(r.runStep('new-version')).rejects.toMatchObject({ code: 'rotation_pending' });
    expect(sm.mock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('AccessDenied becomes a sentence naming the action and the secret', async () => {
    sm.add(SECRET);
    sm.mock
      .on(PutSecretValueCommand)
      .rejects(
        sm.awsError(
          'AccessDeniedException',
          'User: arn:aws:sts::123456789012:assumed-role/opsbot is not authorized to perform: secretsmanager:PutSecretValue',
        ),
      );
    await expect(run().runStep('new-version')).rejects.toMatchObject({
      kind: 'permanent',
      code: 'aws_access_denied',
      message:
        "the bot's role lacks `secretsmanager:PutSecretValue` on secret drop/jwt-secret in eu-west-1",
    });
  });

  it('throttling is transient; the retry then succeeds with the same token', async () => {
    sm.add(SECRET);
    sm.mock
      .on(DescribeSecretCommand)
      .rejectsOnce(sm.awsError('ThrottlingException', 'Rate exceeded'))
      .callsFake(() => ({
        ARN: sm.secrets.get(SECRET)!.arn,
        Name: SECRET,
        VersionIdsToStages: Object.fromEntries(
          sm.secrets.get(SECRET)!.versions.map((v) => [v.id, v.stages]),
        ),
      }));
    await expect(run().runStep('new-version')).rejects.toMatchObject({
      kind: 'transient',
      code: 'aws_throttled',
    });
    await run().runStep('new-version');
    expect(sm.mock.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    expect(sm.current(SECRET)!.id).toBe(requestToken('req_00000000000000a1', 'rotate-secret'));
  });

  it('a missing secret is a user error naming it', async () => {
    await expect(run().runStep('new-version')).rejects.toMatchObject({
      kind: 'user',
      message: 'no secret drop/jwt-secret in eu-west-1 (target jwt-secret)',
    });
  });
});

describe('rotate-secret restarts the consumers in the same run', () => {
  const CONSUMER = 'autostack-backend';
  const PREFIX = `restart:${CONSUMER}:`;
  let ecs: ReturnType<typeof mockEcs>;

  beforeEach(() => {
    targets.secrets['jwt-secret']!.consumers = [CONSUMER];
    targets.services[CONSUMER]!.poll_interval_ms = 1;
    ecs = mockEcs({ cluster: 'autostack', service: CONSUMER });
    sm.add(SECRET);
  });
  afterEach(() => ecs.mock.restore());

  it('the plan names the consumer, the run holds its lock, the restart steps follow the put', async () => {
    const r = run();
    const plan = await rotateSecret.plan!(r.ctx);
    expect(plan.details).toContain(
      'then restart autostack-backend: ECS service autostack-backend in cluster autostack',
    );
    expect(rotateSecret.resources!({ secret: 'jwt-secret' }, targets)).toEqual([
      'secret:jwt-secret',
      'service:autostack-backend',
    ]);
    expect(r.steps.map((s) => s.name)).toEqual([
      'new-version',
      'audit',
      `${PREFIX}note-start`,
      `${PREFIX}start-redeploy`,
      `${PREFIX}wait-rollout`,
    ]);
  });

  it('restarts the ECS consumer after the new version is stored', async () => {
    const r = run();
    const results = await r.runAll();
    expect(sm.mock.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    const updates = ecs.mock.commandCalls(UpdateServiceCommand);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.args[0].input).toEqual({
      cluster: 'autostack',
      service: CONSUMER,
      forceNewDeployment: true,
    });
    expect(r.captured.records.map((e) => e.event)).toEqual([
      'secret.rotated',
      'service.redeploy_started',
      'service.restarted',
    ]);
    expect(results[`${PREFIX}wait-rollout`]).toMatchObject({ state: 'COMPLETED' });
  });

  it('restarts nothing when the put fails', async () => {
    sm.failNext('PutSecretValue', sm.awsError('AccessDeniedException', 'not authorized'));
    await expect(run().runAll()).rejects.toMatchObject({ code: 'aws_access_denied' });
    expect(ecs.mock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('a run retried after a crash adopts its deployment instead of starting a second one', async () => {
    const first = run();
    for (const name of ['new-version', 'audit', `${PREFIX}note-start`, `${PREFIX}start-redeploy`])
      await first.runStep(name);
    // The worker dies before start-redeploy is checkpointed: the retry runs it again.
    const { [`${PREFIX}start-redeploy`]: lost, ...checkpointed } = first.ctx.results;
    const retry = stepContext({
      command: rotateSecret,
      args: { secret: 'jwt-secret' },
      ports: runbookPorts(unusedRecords),
      targets,
      requestId: 'req_00000000000000a1',
      done: checkpointed,
    });
    const results = await retry.runAll();
    expect(ecs.mock.commandCalls(UpdateServiceCommand)).toHaveLength(1);
    expect(results[`${PREFIX}start-redeploy`]).toMatchObject({
      id: (lost as { id: string }).id,
      adopted: true,
    });
    expect(results[`${PREFIX}wait-rollout`]).toMatchObject({ state: 'COMPLETED' });
    expect(sm.mock.commandCalls(PutSecretValueCommand)).toHaveLength(1);
  });

  it('validate names a consumer that is not a service target', () => {
    targets.secrets['jwt-secret']!.consumers = ['drop-api'];
    expect(rotateSecret.validate!({ secret: 'jwt-secret' }, targets)).toEqual([
      {
        field: 'secret',
        message: 'consumer drop-api of jwt-secret is not a service in targets.services',
      },
    ]);
  });
});

describe('rotate-secret with a rotation Lambda', () => {
  const LAMBDA = 'arn:aws:lambda:eu-west-1:123456789012:function:drop-jwt-rotator';

  beforeEach(() => {
    targets.secrets['jwt-secret']!.rotation_lambda = LAMBDA;
  });

  it('calls RotateSecret with the request token and never PutSecretValue', async () => {
    sm.add(SECRET);
    await run().runAll();
    const calls = sm.mock.commandCalls(RotateSecretCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toMatchObject({
      SecretId: SECRET,
      ClientRequestToken: requestToken('req_00000000000000a1', 'rotate-secret'),
      RotationLambdaARN: LAMBDA,
      RotateImmediately: true,
    });
    expect(sm.mock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    // The retry finds its own pending version and starts nothing.
    await run().runStep('new-version');
    expect(sm.mock.commandCalls(RotateSecretCommand)).toHaveLength(1);
  });

  it('refuses while another rotation is pending', async () => {
    sm.add(SECRET, 'v', LAMBDA);
    sm.stagePending(SECRET);
    await expect(run().runStep('new-version')).rejects.toMatchObject({ code: 'rotation_pending' });
    expect(sm.mock.commandCalls(RotateSecretCommand)).toHaveLength(0);
  });
});
