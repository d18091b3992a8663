import {
  GetAliasCommand,
  type LambdaClient,
  ListVersionsByFunctionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import type { LambdaAlias, LambdaPort } from '../sdk/ports/index.ts';
import { arnRegion, type ClientFor } from './clients.ts';
import { awsCall } from './errors.ts';

type Clients = ClientFor<LambdaClient>;

function aliasOf(
  functionName: string,
  alias: string,
  out: {
    FunctionVersion?: string;
    RevisionId?: string;
    AliasArn?: string;
    RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
  },
): LambdaAlias {
  return {
    functionName,
    alias,
    version: out.FunctionVersion ?? '',
    revisionId: out.RevisionId ?? '',
    arn: out.AliasArn ?? `${functionName}:${alias}`,
    weights: { ...out.RoutingConfig?.AdditionalVersionWeights },
  };
}

export function lambdaAdapter(clients: Clients): LambdaPort {
  /** A function given by ARN answers only in the ARN's region. */
  const client = (region: string | undefined, functionName: string) =>
    clients(arnRegion(functionName) ?? region);
  const where = (fn: string, region?: string) => `function ${fn}${region ? ` in ${region}` : ''}`;
  return {
    async getAlias({ functionName, alias, region }) {
      const out = await awsCall(
        { action: 'lambda:GetAlias', resource: `alias ${alias} of ${where(functionName, region)}` },
        () =>
          client(region, functionName).send(
            new GetAliasCommand({ FunctionName: functionName, Name: alias }),
          ),
      );
      return aliasOf(functionName, alias, out);
    },
    async hasVersion({ functionName, version, region }) {
      let marker: string | undefined;
      do {
        const page = await awsCall(
          { action: 'lambda:ListVersionsByFunction', resource: where(functionName, region) },
          () =>
            client(region, functionName).send(
              new ListVersionsByFunctionCommand({
                FunctionName: functionName,
                Marker: marker,
                MaxItems: 50,
              }),
            ),
        );
        if (page.Versions?.some((v) => v.Version === version)) return true;
        marker = page.NextMarker;
      } while (marker);
      return false;
    },
    async updateAlias({ functionName, alias, version, revisionId, region }) {
      const out = await awsCall(
        {
          action: 'lambda:UpdateAlias',
          resource: `alias ${alias} of ${where(functionName, region)}`,
        },
        () =>
          client(region, functionName).send(
            new UpdateAliasCommand({
              FunctionName: functionName,
              Name: alias,
              FunctionVersion: version,
              RevisionId: revisionId,
              // An omitted RoutingConfig keeps the alias's weights: reset them so every request goes
              // to `version` (a promote or rollback must not leave a canary share elsewhere).
              RoutingConfig: { AdditionalVersionWeights: {} },
            }),
          ),
      );
      return aliasOf(functionName, alias, out);
    },
  };
}
