import {
  GetAliasCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * A Lambda function with published versions and one alias (plus `staging`, which stays where it is),
 * answered through aws-sdk-client-mock
 * with the real API's shapes: RevisionId changes on every update, and a stale one fails with
 * PreconditionFailedException.
 */
export function mockLambda(options: {
  versions: string[];
  alias?: string;
  current: string;
  /**
   * The version on the `staging` alias (read by promote's staging check) when the mocked alias is
   * another one: the newest version unless given, the candidate verified in staging.
   */
  staging?: string;
  pageSize?: number;
}) {
  const mock = mockClient(LambdaClient);
  const state = {
    version: options.current,
    revision: 1,
    updates: 0,
    beforeUpdate: undefined as (() => void) | undefined,
    /** RoutingConfig.AdditionalVersionWeights: a weighted (canary) alias when not empty. */
    weights: {} as Record<string, number>,
  };
  const aliasName = options.alias ?? 'prod';
  const aliasOut = (fn: string) => ({
    AliasArn: `arn:aws:lambda:us-east-1:123456789012:function:${fn}:${aliasName}`,
    Name: aliasName,
    FunctionVersion: state.version,
    RevisionId: `rev-${state.revision}`,
    ...(Object.keys(state.weights).length > 0
      ? { RoutingConfig: { AdditionalVersionWeights: { ...state.weights } } }
      : {}),
  });
  const staging = options.staging ?? options.versions.at(-1)!;
  mock.on(GetAliasCommand).callsFake((input: { FunctionName: string; Name: string }) =>
    input.Name === 'staging' && aliasName !== 'staging'
      ? {
          AliasArn: `arn:aws:lambda:us-east-1:123456789012:function:${input.FunctionName}:staging`,
          Name: 'staging',
          FunctionVersion: staging,
          RevisionId: 'rev-staging',
        }
      : aliasOut(input.FunctionName),
  );
  mock.on(ListVersionsByFunctionCommand).callsFake((input: { Marker?: string }) => {
    const size = options.pageSize ?? 50;
    const all = ['$LATEST', ...options.versions];
    const start = input.Marker ? Number(input.Marker) : 0;
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? String(start + size) : undefined;
    return { Versions: page.map((v) => ({ Version: v })), NextMarker: next };
  });
  mock
    .on(UpdateAliasCommand)
    .callsFake(
      (input: {
        FunctionName: string;
        FunctionVersion: string;
        RevisionId?: string;
        RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
      }) => {
        state.beforeUpdate?.();
        if (input.RevisionId !== `rev-${state.revision}`) {
          const error = Object.assign(
            new Error('The RevisionId provided does not match the latest RevisionId'),
            {
              name: 'PreconditionFailedException',
              $fault: 'client',
              $metadata: { httpStatusCode: 412 },
            },
          );
          throw error;
        }
        state.version = input.FunctionVersion;
        // As AWS: an UpdateAlias without RoutingConfig keeps the weights the alias has.
        if (input.RoutingConfig)
          state.weights = { ...input.RoutingConfig.AdditionalVersionWeights };
        state.revision += 1;
        state.updates += 1;
        return aliasOut(input.FunctionName);
      },
    );
  return {
    mock,
    state,
    /** Someone else moves the alias (a concurrent change). */
    moveBehindOurBack(version: string) {
      state.version = version;
      state.revision += 1;
    },
  };
}
