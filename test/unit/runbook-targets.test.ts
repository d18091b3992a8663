import { describe, expect, it } from 'vitest';
import rotateKey from '../../commands/rotate-key.ts';
import rotateSecret from '../../commands/rotate-secret.ts';
import { parseFileConfig } from '../../src/registry/load-config.ts';
import { generateSecretValue, pendingVersion, requestToken } from '../../src/sdk/generate.ts';
import { argsProblems } from '../../src/sdk/targets.ts';
import { exampleConfig } from '../helpers/harness.ts';

describe('runbook targets config', () => {
  it('parses the example tables, secrets and rotate-key delivery', () => {
    const { targets } = exampleConfig();
    expect(targets.tables['spaceduck-ducklings']).toMatchObject({
      key: 'duckling_id',
      holds: 'ducklings',
      environment: 'prod',
    });
    expect(targets.secrets['jwt-secret']).toMatchObject({ length: 64, consumers: ['drop'] });
    expect(targets.rotate_key).toMatchObject({ deliver: 'secrets_manager' });
  });

  it('names a secret consumer that is not a service target', () => {
    const { problems } = parseFileConfig(
      'slack: { ops_channel: C0OPS }\ntargets:\n  secrets:\n    jwt: { secret_id: drop/jwt, consumers: [drop-api] }\n',
      'x.yml',
    );
    expect(problems).toEqual([
      'x.yml targets.secrets.jwt.consumers: "drop-api" is not a service in targets.services',
    ]);
  });

  it('names a delivery path without {duckling_id}', () => {
    const { problems } = parseFileConfig(
      'slack: { ops_channel: C0OPS }\ntargets:\n  rotate_key: { deliver: secrets_manager, path: keys/all }\n',
      'x.yml',
    );
    expect(problems.join('\n')).toContain('targets.rotate_key.path: must contain {duckling_id}');
  });

  it('a file without targets still gets empty tables and ephemeral delivery', () => {
    const { file } = parseFileConfig('slack: { ops_channel: C0OPS }\n', 'x.yml');
    expect(file!.targets.tables).toEqual({});
    expect(file!.targets.rotate_key).toEqual({ deliver: 'ephemeral' });
  });

  it('validate() names a missing table target and an unknown secret', () => {
    const { file } = parseFileConfig('slack: { ops_channel: C0OPS }\n', 'x.yml');
    expect(rotateKey.validate!({ duckling_id: 'dk_1' }, file!.targets)).toEqual([
      {
        field: 'duckling_id',
        message:
          'no table target holds ducklings (set `holds: ducklings` on one of targets.tables)',
      },
    ]);
    // The secret is a typed target: the SDK checks it before the command's own validate().
    expect(
      argsProblems(rotateSecret, { secret: 'nope' }, exampleConfig().targets)[0]!.message,
    ).toBe('no secret target named nope (known: jwt-secret)');
  });

  it('permissions name the tables and secrets by ARN', () => {
    const targets = exampleConfig().targets;
    expect(rotateKey.permissions!(targets, 'us-east-1')).toEqual([
      {
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: ['arn:aws:dynamodb:us-east-1:*:table/spaceduck-ducklings'],
      },
      expect.objectContaining({
        resources: ['arn:aws:secretsmanager:us-east-1:*:secret:ducklings/*/api-key-??????'],
      }),
    ]);
    expect(rotateSecret.permissions!(targets, 'us-east-1')).toEqual([
      {
        actions: ['secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue'],
        resources: ['arn:aws:secretsmanager:eu-west-1:*:secret:drop/jwt-secret-??????'],
      },
      // The consumer drop is restarted in the same run.
      {
        actions: ['apprunner:StartDeployment', 'apprunner:ListOperations'],
        resources: [
          'arn:aws:apprunner:eu-west-1:123456789012:service/drop/8fe1e10304f84fd2b0df550fe98a71fa',
        ],
      },
    ]);
  });
});

describe('generators', () => {
  it('makes values of the asked length from the charset only', () => {
    expect(generateSecretValue(100, 'hex')).toMatch(/^[0-9a-f]{100}$/);
    expect(generateSecretValue(16, 'alphanumeric')).not.toBe(
      generateSecretValue(16, 'alphanumeric'),
    );
  });

  it('request tokens are stable per request and purpose and 32–64 characters', () => {
    const token = requestToken('req_1', 'rotate-secret');
    expect(token).toBe(requestToken('req_1', 'rotate-secret'));
    expect(token).not.toBe(requestToken('req_1', 'rotate-key'));
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('a pending version is AWSPENDING without AWSCURRENT', () => {
    const info = { arn: 'a', name: 'n', rotationEnabled: true };
    expect(
      pendingVersion({ ...info, versions: { a: ['AWSCURRENT', 'AWSPENDING'] } }),
    ).toBeUndefined();
    expect(pendingVersion({ ...info, versions: { a: ['AWSCURRENT'], b: ['AWSPENDING'] } })).toBe(
      'b',
    );
  });
});
