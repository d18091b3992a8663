import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

interface Version {
  id: string;
  value: string;
  stages: string[];
}

interface FakeSecret {
  name: string;
  arn: string;
  versions: Version[];
  rotationLambda?: string;
}

function awsError(name: string, message: string, status = 400) {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

/**
 * Secrets Manager through aws-sdk-client-mock, with the real API's shapes and rules:
 * PutSecretValue moves AWSCURRENT to the new version and AWSPREVIOUS to the old one, or only the
 * labels in its VersionStages; a label sits on one version at a time; a repeated
 * ClientRequestToken with the same value is a no-op, with another value a ResourceExistsException;
 * UpdateSecretVersionStage adds a label to a version (keeping its others) and refuses to take it
 * from a version other than RemoveFromVersionId; RotateSecret stages AWSPENDING and refuses while a
 * rotation is pending.
 */
export function mockSecrets(region = 'us-east-1') {
  const mock = mockClient(SecretsManagerClient);
  const secrets = new Map<string, FakeSecret>();
  const injected = new Map<string, Error[]>();
  /** Answers with an injected failure first, when one is queued for this operation. */
  const guard =
    <I, O>(operation: string, answer: (input: I) => O) =>
    (input: I): O => {
      const failure = injected.get(operation)?.shift();
      if (failure) throw failure;
      return answer(input);
    };
  const find = (id: string) => {
    const secret = secrets.get(id) ?? [...secrets.values()].find((s) => s.arn === id);
    if (!secret) {
      throw awsError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    }
    return secret;
  };
  const arnOf = (name: string) =>
    `arn:aws:secretsmanager:${region}:123456789012:secret:${name}-AbCdEf`;
  /** Puts a label on one version only; AWSCURRENT leaves AWSPREVIOUS where it was. */
  const attach = (secret: FakeSecret, version: Version, stage: string) => {
    const holder = secret.versions.find((v) => v.stages.includes(stage));
    if (holder === version) return;
    for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== stage);
    if (stage === 'AWSCURRENT' && holder) attach(secret, holder, 'AWSPREVIOUS');
    version.stages.push(stage);
  };
  const addVersion = (secret: FakeSecret, id: string, value: string, stages = ['AWSCURRENT']) => {
    const existing = secret.versions.find((v) => v.id === id);
    if (existing) {
      if (existing.value !== value) {
        throw awsError(
          'ResourceExistsException',
          "You can't modify an existing version, you can only create a new version.",
        );
      }
      return existing;
    }
    const version: Version = { id, value, stages: [] };
    secret.versions.push(version);
    for (const stage of stages) attach(secret, version, stage);
    return version;
  };
  const versionOf = (secret: FakeSecret, id: string) => {
    const version = secret.versions.find((v) => v.id === id);
    if (!version) {
      throw awsError('ResourceNotFoundException', `Secrets Manager can't find version ${id}.`);
    }
    return version;
  };
  mock.on(DescribeSecretCommand).callsFake(
    guard('DescribeSecret', (input: { SecretId: string }) => {
      const s = find(input.SecretId);
      return {
        ARN: s.arn,
        Name: s.name,
        RotationEnabled: Boolean(s.rotationLambda),
        ...(s.rotationLambda ? { RotationLambdaARN: s.rotationLambda } : {}),
        VersionIdsToStages: Object.fromEntries(s.versions.map((v) => [v.id, v.stages])),
      };
    }),
  );
  mock.on(PutSecretValueCommand).callsFake(
    guard(
      'PutSecretValue',
      (input: {
        SecretId: string;
        SecretString: string;
        ClientRequestToken: string;
        VersionStages?: string[];
      }) => {
        const s = find(input.SecretId);
        const v = addVersion(s, input.ClientRequestToken, input.SecretString, input.VersionStages);
        return { ARN: s.arn, Name: s.name, VersionId: v.id, VersionStages: v.stages };
      },
    ),
  );
  mock.on(CreateSecretCommand).callsFake(
    guard(
      'CreateSecret',
      (input: { Name: string; SecretString: string; ClientRequestToken: string }) => {
        if (secrets.has(input.Name)) {
          const s = secrets.get(input.Name)!;
          const same = s.versions.find(
            (v) => v.id === input.ClientRequestToken && v.value === input.SecretString,
          );
          if (same) return { ARN: s.arn, Name: s.name, VersionId: same.id };
          throw awsError(
            'ResourceExistsException',
            `The operation failed because the secret ${input.Name} already exists.`,
          );
        }
        const s: FakeSecret = { name: input.Name, arn: arnOf(input.Name), versions: [] };
        secrets.set(input.Name, s);
        addVersion(s, input.ClientRequestToken, input.SecretString);
        return { ARN: s.arn, Name: s.name, VersionId: input.ClientRequestToken };
      },
    ),
  );
  mock.on(UpdateSecretVersionStageCommand).callsFake(
    guard(
      'UpdateSecretVersionStage',
      (input: {
        SecretId: string;
        VersionStage: string;
        MoveToVersionId?: string;
        RemoveFromVersionId?: string;
      }) => {
        const s = find(input.SecretId);
        const to = input.MoveToVersionId ? versionOf(s, input.MoveToVersionId) : undefined;
        const from = input.RemoveFromVersionId
          ? versionOf(s, input.RemoveFromVersionId)
          : undefined;
        const holder = s.versions.find((v) => v.stages.includes(input.VersionStage));
        if (holder && holder !== to && holder !== from) {
          throw awsError(
            'InvalidParameterException',
            `The staging label ${input.VersionStage} is attached to version ${holder.id}; specify it as RemoveFromVersionId.`,
          );
        }
        if (to) attach(s, to, input.VersionStage);
        else if (holder) holder.stages = holder.stages.filter((x) => x !== input.VersionStage);
        return { ARN: s.arn, Name: s.name };
      },
    ),
  );
  mock.on(GetSecretValueCommand).callsFake(
    guard('GetSecretValue', (input: { SecretId: string; VersionId?: string }) => {
      const s = find(input.SecretId);
      const v = input.VersionId
        ? s.versions.find((x) => x.id === input.VersionId)
        : s.versions.find((x) => x.stages.includes('AWSCURRENT'));
      if (!v) {
        throw awsError(
          'ResourceNotFoundException',
          "Secrets Manager can't find the specified secret value for VersionId",
        );
      }
      return { ARN: s.arn, Name: s.name, VersionId: v.id, SecretString: v.value };
    }),
  );
  mock.on(RotateSecretCommand).callsFake(
    guard(
      'RotateSecret',
      (input: { SecretId: string; ClientRequestToken: string; RotationLambdaARN?: string }) => {
        const s = find(input.SecretId);
        const pending = s.versions.find(
          (v) => v.stages.includes('AWSPENDING') && !v.stages.includes('AWSCURRENT'),
        );
        if (pending && pending.id !== input.ClientRequestToken) {
          throw awsError(
            'InvalidRequestException',
            "A previous rotation isn't complete. That rotation will be reattempted.",
          );
        }
        if (input.RotationLambdaARN) s.rotationLambda = input.RotationLambdaARN;
        if (!pending) {
          s.versions.push({
            id: input.ClientRequestToken,
            value: '(lambda)',
            stages: ['AWSPENDING'],
          });
        }
        return { ARN: s.arn, Name: s.name, VersionId: input.ClientRequestToken };
      },
    ),
  );
  return {
    mock,
    secrets,
    awsError,
    /** The next call(s) of an operation (`PutSecretValue`, ...) fail with these errors. */
    failNext(operation: string, ...errors: Error[]) {
      injected.set(operation, [...(injected.get(operation) ?? []), ...errors]);
    },
    /** A secret that exists with one current value. */
    add(name: string, value = 'initial-value', rotationLambda?: string) {
      const s: FakeSecret = { name, arn: arnOf(name), versions: [], rotationLambda };
      secrets.set(name, s);
      addVersion(s, 'v-initial-0000', value);
      return s;
    },
    /** A rotation that another actor started and that has not finished (AWSPENDING staged). */
    stagePending(name: string, versionId = 'v-pending-1111') {
      find(name).versions.push({ id: versionId, value: 'pending', stages: ['AWSPENDING'] });
    },
    current(name: string) {
      return find(name).versions.find((v) => v.stages.includes('AWSCURRENT'));
    },
  };
}

export type SecretsMock = ReturnType<typeof mockSecrets>;
