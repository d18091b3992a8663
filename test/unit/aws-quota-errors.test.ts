import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explainAwsError } from '../../src/aws/errors.ts';
import { ecsClients, secretsClients } from '../../src/aws/quota-clients.ts';
import { secretsAdapter } from '../../src/aws/secrets.ts';
import { servicesAdapter } from '../../src/aws/services.ts';
import { awsError } from '../helpers/aws-errors.ts';
import { jsonEndpoint } from '../helpers/json-endpoint.ts';

/**
 * `LimitExceededException` from Secrets Manager and ECS is a quota (too many versions of a secret,
 * services per cluster), not throttling: the call is sent once and the run fails with a sentence.
 */
describe('LimitExceededException for Secrets Manager and ECS', () => {
  let endpoint: Awaited<ReturnType<typeof jsonEndpoint>>;
  const saved = { ...process.env };

  beforeEach(async () => {
    endpoint = await jsonEndpoint(() => ({
      status: 400,
      json: { __type: 'LimitExceededException', message: 'You have exceeded a quota' },
      headers: { 'content-type': 'application/x-amz-json-1.1' },
    }));
    process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-key';
    process.env.AWS_ENDPOINT_URL = endpoint.url;
    delete process.env.AWS_SESSION_TOKEN;
  });

  afterEach(async () => {
    process.env = { ...saved };
    await endpoint.close();
  });

  it('Secrets Manager: one PutSecretValue, then a permanent quota error naming the secret', async () => {
    const secrets = secretsAdapter(secretsClients('us-east-1'));
    const error = await secrets
      .putValue({
        secretId: 'drop/jwt-secret',
        value: 'v'.repeat(32),
        clientRequestToken: 't'.repeat(32),
      })
      .catch((e: unknown) => e);
    expect(endpoint.received).toHaveLength(1);
    expect(error).toMatchObject({ code: 'aws_quota_exceeded', kind: 'permanent' });
    expect((error as Error).message).toContain('secretsmanager:PutSecretValue');
    expect((error as Error).message).toContain('quota');
    expect((error as Error).message).not.toContain('v'.repeat(32));
  });

  it('ECS: one UpdateService, then a permanent quota error naming the service', async () => {
    const services = servicesAdapter({
      ecs: ecsClients('us-east-1'),
      apprunner: (() => {
        throw new Error('not used');
      }) as never,
    });
    const error = await services
      .startRedeploy({ type: 'ecs', cluster: 'autostack', service: 'autostack-backend' })
      .catch((e: unknown) => e);
    expect(endpoint.received).toHaveLength(1);
    expect(error).toMatchObject({ code: 'aws_quota_exceeded' });
    expect((error as Error).message).toContain('ecs:UpdateService');
  });

  it('elsewhere (CloudWatch Logs) LimitExceededException is still throttling and retried', () => {
    const error = explainAwsError(awsError('LimitExceededException', 'Rate exceeded'), {
      action: 'logs:StartLiveTail',
      resource: 'log group /aws/lambda/api',
    });
    expect(error).toMatchObject({ code: 'aws_throttled' });
  });
});
