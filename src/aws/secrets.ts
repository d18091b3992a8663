import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsPort } from '../sdk/ports/index.ts';
import { arnRegion, type ClientFor } from './clients.ts';
import { awsCall, explainAwsError } from './errors.ts';

type Clients = ClientFor<SecretsManagerClient>;

const where = (secretId: string, region?: string) =>
  `secret ${secretId}${region ? ` in ${region}` : ''}`;

const isNotFound = (error: unknown) =>
  (error as { name?: string }).name === 'ResourceNotFoundException';

/**
 * Secrets Manager behind the secrets port. Values are sent and (for recovery) read, never logged,
 * never put in an error: AWS error messages name secrets, not values.
 */
export function secretsAdapter(clients: Clients): SecretsPort {
  /** A secret given by ARN answers only in the ARN's region. */
  const client = (region: string | undefined, secretId: string) =>
    clients(arnRegion(secretId) ?? region);
  return {
    async describe({ secretId, region }) {
      try {
        const out = await client(region, secretId).send(
          new DescribeSecretCommand({ SecretId: secretId }),
        );
        return {
          arn: out.ARN ?? secretId,
          name: out.Name ?? secretId,
          versions: out.VersionIdsToStages ?? {},
          rotationEnabled: Boolean(out.RotationEnabled),
          ...(out.RotationLambdaARN ? { rotationLambdaArn: out.RotationLambdaARN } : {}),
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw explainAwsError(error, {
          action: 'secretsmanager:DescribeSecret',
          resource: where(secretId, region),
        });
      }
    },
    async putValue({ secretId, value, clientRequestToken, create, pending, region }) {
      try {
        const out = await client(region, secretId).send(
          new PutSecretValueCommand({
            SecretId: secretId,
            SecretString: value,
            ClientRequestToken: clientRequestToken,
            // Without VersionStages AWS makes the new version AWSCURRENT at once.
            ...(pending ? { VersionStages: ['AWSPENDING'] } : {}),
          }),
        );
        return { versionId: out.VersionId ?? clientRequestToken };
      } catch (error) {
        if (!(create && isNotFound(error))) {
          throw explainAwsError(error, {
            action: 'secretsmanager:PutSecretValue',
            resource: where(secretId, region),
          });
        }
      }
      const created = await awsCall(
        { action: 'secretsmanager:CreateSecret', resource: where(secretId, region) },
        () =>
          client(region, secretId).send(
            new CreateSecretCommand({
              Name: secretId,
              SecretString: value,
              ClientRequestToken: clientRequestToken,
            }),
          ),
      );
      return { versionId: created.VersionId ?? clientRequestToken };
    },
    async moveStage({ secretId, stage, toVersionId, fromVersionId, region }) {
      await awsCall(
        { action: 'secretsmanager:UpdateSecretVersionStage', resource: where(secretId, region) },
        () =>
          client(region, secretId).send(
            new UpdateSecretVersionStageCommand({
              SecretId: secretId,
              VersionStage: stage,
              ...(toVersionId ? { MoveToVersionId: toVersionId } : {}),
              ...(fromVersionId ? { RemoveFromVersionId: fromVersionId } : {}),
            }),
          ),
      );
    },
    async readVersion({ secretId, versionId, region }) {
      const out = await awsCall(
        { action: 'secretsmanager:GetSecretValue', resource: where(secretId, region) },
        () =>
          client(region, secretId).send(
            new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId }),
          ),
      );
      if (out.SecretString === undefined) {
        throw explainAwsError(
          { name: 'EmptySecretVersion', message: `version ${versionId} holds no string` },
          { action: 'secretsmanager:GetSecretValue', resource: where(secretId, region) },
        );
      }
      return out.SecretString;
    },
    async rotate({ secretId, clientRequestToken, rotationLambdaArn, region }) {
      const out = await awsCall(
        { action: 'secretsmanager:RotateSecret', resource: where(secretId, region) },
        () =>
          client(region, secretId).send(
            new RotateSecretCommand({
              SecretId: secretId,
              ClientRequestToken: clientRequestToken,
              ...(rotationLambdaArn ? { RotationLambdaARN: rotationLambdaArn } : {}),
              RotateImmediately: true,
            }),
          ),
      );
      return { versionId: out.VersionId ?? clientRequestToken };
    },
  };
}
