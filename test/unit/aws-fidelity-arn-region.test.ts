import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetAliasCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { regionalClients } from '../../src/aws/clients.ts';
import { lambdaAdapter } from '../../src/aws/lambda.ts';
import { logsAdapter } from '../../src/aws/logs.ts';
import { secretsAdapter } from '../../src/aws/secrets.ts';

/**
 * Secrets Manager, Lambda and CloudWatch Logs are regional: a secret, function or log group given
 * by its full ARN answers only at the endpoint of the region the ARN names (elsewhere:
 * ResourceNotFoundException, or Lambda's "Functions from 'eu-west-1' are not reachable in this
 * region"). Config takes ARNs for all three, so a target without `region:` must be called in the
 * ARN's region rather than the bot's default.
 */

const secrets = mockClient(SecretsManagerClient);
const lambda = mockClient(LambdaClient);
const logs = mockClient(CloudWatchLogsClient);
afterEach(() => {
  secrets.reset();
  lambda.reset();
  logs.reset();
});

type HasRegion = { config: { region: () => Promise<string> } };
const regionOf = async (getClient: () => unknown) => (getClient() as HasRegion).config.region();

describe('resources given by ARN are called in the ARN region', () => {
  it('Secrets Manager DescribeSecret', async () => {
    const regions: string[] = [];
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:duck/api-key-AbCdEf';
    secrets.on(DescribeSecretCommand).callsFake(async (_input, getClient) => {
      regions.push(await regionOf(getClient));
      return {
        ARN: arn,
        Name: 'duck/api-key',
        VersionIdsToStages: { 'a1b2c3d4-5678-90ab-cdef-111111111111': ['AWSCURRENT'] },
      };
    });
    const port = secretsAdapter(regionalClients((c) => new SecretsManagerClient(c), 'us-east-1'));
    const info = await port.describe({ secretId: arn });
    expect(info?.name).toBe('duck/api-key');
    expect(regions).toEqual(['eu-west-1']);
  });

  it('Lambda GetAlias', async () => {
    const regions: string[] = [];
    const fn = 'arn:aws:lambda:eu-west-1:123456789012:function:duck-api';
    lambda.on(GetAliasCommand).callsFake(async (_input, getClient) => {
      regions.push(await regionOf(getClient));
      return {
        AliasArn: `${fn}:prod`,
        Name: 'prod',
        FunctionVersion: '42',
        RevisionId: '6e2f3a1b-0000-4000-8000-000000000001',
      };
    });
    const port = lambdaAdapter(regionalClients((c) => new LambdaClient(c), 'us-east-1'));
    const alias = await port.getAlias({ functionName: fn, alias: 'prod' });
    expect(alias.version).toBe('42');
    expect(regions).toEqual(['eu-west-1']);
  });

  it('CloudWatch Logs FilterLogEvents', async () => {
    const regions: string[] = [];
    logs.on(FilterLogEventsCommand).callsFake(async (_input, getClient) => {
      regions.push(await regionOf(getClient));
      return { events: [], searchedLogStreams: [] };
    });
    const port = logsAdapter(regionalClients((c) => new CloudWatchLogsClient(c), 'us-east-1'));
    const events = [];
    for await (const e of port.search({
      logGroup: 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/duck-api',
      start: 0,
      end: 1,
      limit: 10,
    }))
      events.push(e);
    expect(events).toEqual([]);
    expect(regions).toEqual(['eu-west-1']);
  });

  it('a plain name keeps the target region', async () => {
    const regions: string[] = [];
    secrets.on(DescribeSecretCommand).callsFake(async (_input, getClient) => {
      regions.push(await regionOf(getClient));
      return { ARN: 'x', Name: 'duck/api-key', VersionIdsToStages: {} };
    });
    const port = secretsAdapter(regionalClients((c) => new SecretsManagerClient(c), 'us-east-1'));
    await port.describe({ secretId: 'duck/api-key', region: 'ap-south-1' });
    await port.describe({ secretId: 'duck/api-key' });
    expect(regions).toEqual(['ap-south-1', 'us-east-1']);
  });
});
