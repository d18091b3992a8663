import { GetAliasCommand, LambdaClient, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { regionalClients } from '../../src/aws/clients.ts';
import { lambdaAdapter } from '../../src/aws/lambda.ts';

/**
 * UpdateAlias keeps the alias's RoutingConfig unless the request sets one: AWS's own guide routes
 * all traffic to a version by changing FunctionVersion and resetting the routing config
 * (`AdditionalVersionWeights: {}`) in the same call. Without that, a promote or rollback of a
 * weighted (canary) alias left part of the traffic on the other version.
 */

const lambda = mockClient(LambdaClient);
afterEach(() => lambda.reset());

const FN = 'duck-api';
const ARN = `arn:aws:lambda:us-east-1:123456789012:function:${FN}:prod`;

describe('moving an alias sends all its traffic to the version', () => {
  it('UpdateAlias resets AdditionalVersionWeights', async () => {
    // A canary alias: 90 % on 41, 10 % on 42.
    const alias = {
      version: '41',
      weights: { '42': 0.1 } as Record<string, number>,
      revision: 1,
    };
    const aliasOut = () => ({
      AliasArn: ARN,
      Name: 'prod',
      FunctionVersion: alias.version,
      RevisionId: `00000000-0000-4000-8000-00000000000${alias.revision}`,
      ...(Object.keys(alias.weights).length
        ? { RoutingConfig: { AdditionalVersionWeights: alias.weights } }
        : {}),
    });
    lambda.on(GetAliasCommand).callsFake(aliasOut);
    lambda
      .on(UpdateAliasCommand)
      .callsFake(
        (input: {
          FunctionVersion?: string;
          RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
        }) => {
          // As AWS: an omitted RoutingConfig keeps the one the alias has.
          if (input.FunctionVersion) alias.version = input.FunctionVersion;
          if (input.RoutingConfig)
            alias.weights = input.RoutingConfig.AdditionalVersionWeights ?? {};
          alias.revision += 1;
          return aliasOut();
        },
      );
    const port = lambdaAdapter(regionalClients((c) => new LambdaClient(c), 'us-east-1'));
    const current = await port.getAlias({ functionName: FN, alias: 'prod' });
    await port.updateAlias({
      functionName: FN,
      alias: 'prod',
      version: '40',
      revisionId: current.revisionId,
    });
    expect(alias.version).toBe('40');
    expect(alias.weights).toEqual({});
  });
});
