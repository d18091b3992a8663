import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeSecretCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
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

/**
 * AutoStack "update the secret, restart the backend" and the API runbook's "provision new key,
 * restart, verify": with a rotation Lambda, RotateSecret only starts the rotation (the new version
 * is AWSPENDING until the Lambda's finishSecret makes it AWSCURRENT). The consumers must restart
 * only once the new version is AWSCURRENT, or they read the old value again.
 */

const SECRET = 'drop/jwt-secret';
const LAMBDA = 'arn:aws:lambda:eu-west-1:123456789012:function:drop-jwt-rotator';
const CONSUMER = 'autostack-backend';
const REQUEST = 'req_00000000000000f1';
const TOKEN = requestToken(REQUEST, 'rotate-secret');

let sm: SecretsMock;
let ecs: ReturnType<typeof mockEcs>;
let targets: FileConfig['targets'];

beforeEach(() => {
  sm = mockSecrets('eu-west-1');
  ecs = mockEcs({ cluster: 'autostack', service: CONSUMER });
  targets = exampleConfig().targets;
  targets.secrets['jwt-secret']!.rotation_lambda = LAMBDA;
  targets.secrets['jwt-secret']!.consumers = [CONSUMER];
  targets.services[CONSUMER]!.poll_interval_ms = 1;
  sm.add(SECRET, 'old-value', LAMBDA);
});
afterEach(() => {
  sm.mock.restore();
  ecs.mock.restore();
});

const run = () =>
  stepContext({
    command: rotateSecret,
    args: { secret: 'jwt-secret' },
    ports: runbookPorts({} as RecordsPort),
    targets,
    requestId: REQUEST,
  });

/** The rotation Lambda's finishSecret: AWSCURRENT moves to the pending version. */
function finishRotation(secret: NonNullable<ReturnType<SecretsMock['secrets']['get']>>) {
  const pending = secret.versions.find((v) => v.id === TOKEN)!;
  for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== 'AWSCURRENT');
  secret.versions.find((v) => v.id === 'v-initial-0000')!.stages = ['AWSPREVIOUS'];
  pending.stages = ['AWSCURRENT'];
}

/** The Lambda's createSecret/testSecret failed: AWS leaves no AWSPENDING on the version. */
function failRotation(secret: NonNullable<ReturnType<SecretsMock['secrets']['get']>>) {
  secret.versions = secret.versions.filter((v) => v.id !== TOKEN);
}

describe('rotate-secret with a rotation Lambda waits for AWSCURRENT before restarting', () => {
  it('restarts the consumer only after the new version became AWSCURRENT', async () => {
    let currentAtRestart: string | undefined;
    ecs.mock.on(UpdateServiceCommand).callsFake(() => {
      currentAtRestart = sm.current(SECRET)?.id;
      throw new Error('stop here: the restart was asked for');
    });
    // The Lambda finishes a moment after RotateSecret returns.
    sm.mock.on(RotateSecretCommand).callsFake((input: { ClientRequestToken: string }) => {
      sm.secrets.get(SECRET)!.versions.push({
        id: input.ClientRequestToken,
        value: '(lambda)',
        stages: ['AWSPENDING'],
      });
      const secret = sm.secrets.get(SECRET)!;
      setTimeout(() => finishRotation(secret), 300);
      return { ARN: 'arn', Name: SECRET, VersionId: input.ClientRequestToken };
    });
    await expect(run().runAll()).rejects.toThrow('stop here');
    expect(currentAtRestart).toBe(TOKEN);
  });

  it('a rotation that fails restarts nothing and says so', async () => {
    sm.mock.on(RotateSecretCommand).callsFake((input: { ClientRequestToken: string }) => {
      sm.secrets.get(SECRET)!.versions.push({
        id: input.ClientRequestToken,
        value: '(lambda)',
        stages: ['AWSPENDING'],
      });
      const secret = sm.secrets.get(SECRET)!;
      setTimeout(() => failRotation(secret), 200);
      return { ARN: 'arn', Name: SECRET, VersionId: input.ClientRequestToken };
    });
    const r = run();
    await expect(r.runAll()).rejects.toMatchObject({ code: 'rotation_failed' });
    expect(ecs.mock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(r.captured.records).toEqual([]);
    expect(sm.mock.commandCalls(DescribeSecretCommand).length).toBeGreaterThan(1);
  });

  it('the wait comes between the new version and the restarts', () => {
    expect(
      run()
        .steps.map((s) => s.name)
        .slice(0, 3),
    ).toEqual(['new-version', 'await-rotation', 'audit']);
  });

  it('without a rotation Lambda nothing is waited for (PutSecretValue makes it AWSCURRENT)', () => {
    delete targets.secrets['jwt-secret']!.rotation_lambda;
    expect(run().steps.map((s) => s.name)).not.toContain('await-rotation');
  });
});
