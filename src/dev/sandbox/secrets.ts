import { randomBytes, randomUUID } from 'node:crypto';
import { PermanentError, UserError } from '../../sdk/errors.ts';
import type { SecretInfo, SecretsPort } from '../../sdk/ports/index.ts';

/**
 * SANDBOX Secrets Manager, in memory. Versions carry staging labels as in AWS: a new value becomes
 * AWSCURRENT (or only AWSPENDING when asked), the old current becomes AWSPREVIOUS; a label sits on
 * one version at a time, and `moveStage` refuses to take a label from a version it was not told
 * about, as UpdateSecretVersionStage does. A ClientRequestToken is the version id: the same
 * token with the same value is a no-op, with another value an error. `rotate` leaves an AWSPENDING
 * version for `rotationMs` (another rotation is refused meanwhile), then promotes it, as a rotation
 * Lambda would. Values are never logged and never appear in an error or in `describe`.
 */
interface Secret {
  arn: string;
  name: string;
  /** Version id → value and staging labels. */
  versions: Map<string, { value: string; stages: string[] }>;
  rotationLambdaArn?: string;
}

export interface SandboxSecretsOptions {
  /**
   * Secrets that exist at start, each with an AWSCURRENT and an AWSPREVIOUS version; `value` makes
   * each version's value (a connection URL for a database's `password_secret`), else random.
   */
  secrets: {
    secretId: string;
    region?: string;
    rotationLambdaArn?: string;
    value?: () => string;
  }[];
  region: string;
  /** How long a started rotation stays pending (AWSPENDING). */
  rotationMs?: number;
}

const ACCOUNT = '123456789012';
const where = (id: string, region: string) => `secret ${id} in ${region}`;

export class SandboxSecrets implements SecretsPort {
  private readonly secrets = new Map<string, Secret>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly rotationMs: number;

  constructor(private readonly options: SandboxSecretsOptions) {
    this.rotationMs = options.rotationMs ?? 5000;
    for (const s of options.secrets) {
      const secret = this.create(s.secretId, s.region);
      if (s.rotationLambdaArn) secret.rotationLambdaArn = s.rotationLambdaArn;
      const value = s.value ?? (() => randomBytes(24).toString('base64url'));
      this.store(secret, randomUUID(), value());
      this.store(secret, randomUUID(), value());
    }
  }

  private key(secretId: string, region?: string) {
    return `${region ?? this.options.region}|${secretId}`;
  }

  private find(secretId: string, region?: string) {
    return this.secrets.get(this.key(secretId, region));
  }

  private create(secretId: string, region = this.options.region): Secret {
    const suffix = randomBytes(3).toString('hex');
    const secret: Secret = {
      arn: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${secretId}-${suffix}`,
      name: secretId,
      versions: new Map(),
    };
    this.secrets.set(this.key(secretId, region), secret);
    return secret;
  }

  /** Adds a version with one label (AWSCURRENT unless told), taking the label off other versions. */
  private store(secret: Secret, versionId: string, value: string, stage = 'AWSCURRENT') {
    secret.versions.set(versionId, { value, stages: [] });
    this.attach(secret, versionId, stage);
  }

  /** Puts a label on one version only; AWSCURRENT leaves AWSPREVIOUS on the version it left. */
  private attach(secret: Secret, versionId: string, stage: string) {
    const holder = [...secret.versions].find(([, v]) => v.stages.includes(stage))?.[0];
    if (holder === versionId) return;
    for (const v of secret.versions.values()) v.stages = v.stages.filter((s) => s !== stage);
    if (stage === 'AWSCURRENT' && holder) this.attach(secret, holder, 'AWSPREVIOUS');
    secret.versions.get(versionId)?.stages.push(stage);
  }

  private notFound(secretId: string, region?: string): never {
    throw new UserError(
      'aws_not_found',
      `no such ${where(secretId, region ?? this.options.region)}`,
    );
  }

  async describe({ secretId, region }: { secretId: string; region?: string }) {
    const secret = this.find(secretId, region);
    if (!secret) return undefined;
    const info: SecretInfo = {
      arn: secret.arn,
      name: secret.name,
      versions: Object.fromEntries([...secret.versions].map(([id, v]) => [id, [...v.stages]])),
      rotationEnabled: Boolean(secret.rotationLambdaArn),
      ...(secret.rotationLambdaArn ? { rotationLambdaArn: secret.rotationLambdaArn } : {}),
    };
    return info;
  }

  async putValue(input: Parameters<SecretsPort['putValue']>[0]) {
    const { secretId, value, clientRequestToken: token, create, pending, region } = input;
    let secret = this.find(secretId, region);
    if (!secret) {
      if (!create) this.notFound(secretId, region);
      secret = this.create(secretId, region);
      // CreateSecret: the first version is AWSCURRENT, whatever was asked.
      this.store(secret, token, value);
      return { versionId: token };
    }
    const existing = secret.versions.get(token);
    if (existing) {
      if (existing.value === value) return { versionId: token };
      throw new PermanentError(
        'aws_error',
        `secretsmanager:PutSecretValue on ${where(secretId, region ?? this.options.region)} failed: ResourceExistsException — a version with this ClientRequestToken holds another value`,
      );
    }
    this.store(secret, token, value, pending ? 'AWSPENDING' : 'AWSCURRENT');
    return { versionId: token };
  }

  async moveStage(input: Parameters<SecretsPort['moveStage']>[0]) {
    const { secretId, stage, toVersionId, fromVersionId, region } = input;
    const secret = this.find(secretId, region);
    if (!secret) this.notFound(secretId, region);
    const at = where(secretId, region ?? this.options.region);
    const holder = [...secret.versions].find(([, v]) => v.stages.includes(stage))?.[0];
    const missing = [toVersionId, fromVersionId].find((id) => id && !secret.versions.has(id));
    if (missing) this.notFound(`${secretId} (version ${missing})`, region);
    if (holder && holder !== toVersionId && holder !== fromVersionId) {
      throw new PermanentError(
        'aws_error',
        `secretsmanager:UpdateSecretVersionStage on ${at} failed: InvalidParameterException — ${stage} is on version ${holder}, not on the version to remove it from`,
      );
    }
    if (toVersionId) this.attach(secret, toVersionId, stage);
    else if (holder) {
      const version = secret.versions.get(holder)!;
      version.stages = version.stages.filter((s) => s !== stage);
    }
  }

  async readVersion({ secretId, versionId, region }: Parameters<SecretsPort['readVersion']>[0]) {
    const version = this.find(secretId, region)?.versions.get(versionId);
    if (!version) this.notFound(`${secretId} (version ${versionId})`, region);
    return version.value;
  }

  async rotate(input: Parameters<SecretsPort['rotate']>[0]) {
    const { secretId, clientRequestToken: token, rotationLambdaArn, region } = input;
    const secret = this.find(secretId, region);
    if (!secret) this.notFound(secretId, region);
    if (secret.versions.has(token)) return { versionId: token };
    if ([...secret.versions.values()].some((v) => v.stages.includes('AWSPENDING'))) {
      throw new UserError(
        'rotation_pending',
        `secretsmanager:RotateSecret on ${where(secretId, region ?? this.options.region)} refused: a previous rotation isn't complete`,
      );
    }
    if (rotationLambdaArn) secret.rotationLambdaArn = rotationLambdaArn;
    secret.versions.set(token, {
      value: randomBytes(24).toString('base64url'),
      stages: ['AWSPENDING'],
    });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const pending = secret.versions.get(token);
      if (!pending) return;
      secret.versions.delete(token);
      this.store(secret, token, pending.value);
    }, this.rotationMs);
    timer.unref();
    this.timers.add(timer);
    return { versionId: token };
  }

  stop() {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
