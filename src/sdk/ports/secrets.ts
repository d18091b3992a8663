/** Secrets Manager (rotate-key, rotate-secret). */

/** A secret's metadata; never its value. */
export interface SecretInfo {
  arn: string;
  name: string;
  /** Version id → its staging labels (`AWSCURRENT`, `AWSPENDING`, `AWSPREVIOUS`). */
  versions: Record<string, string[]>;
  rotationEnabled: boolean;
  rotationLambdaArn?: string;
}

/** Secrets Manager. Values go in (and, for recovery, come back) but are never returned elsewhere. */
export interface SecretsPort {
  /** Metadata of a secret; undefined when there is no such secret. */
  describe(input: { secretId: string; region?: string }): Promise<SecretInfo | undefined>;
  /**
   * Stores a value as a new version (PutSecretValue): AWSCURRENT, or only AWSPENDING when `pending`
   * is set (consumers reading AWSCURRENT do not see it until `moveStage` makes it current). When
   * `create` is set and the secret does not exist, creates it (CreateSecret) and the first version
   * is AWSCURRENT even when `pending` is set: CreateSecret takes no staging labels. The same token
   * with the same value is a no-op, so a retried call never makes a second version.
   */
  putValue(input: {
    secretId: string;
    value: string;
    clientRequestToken: string;
    create?: boolean;
    pending?: boolean;
    region?: string;
  }): Promise<{ versionId: string }>;
  /**
   * Moves a staging label (UpdateSecretVersionStage): onto `toVersionId` and off `fromVersionId`.
   * Without `toVersionId` the label is only removed from `fromVersionId`. Moving AWSCURRENT makes
   * AWS move AWSPREVIOUS to the version AWSCURRENT left. When the label sits on a version other than
   * `fromVersionId`, AWS refuses the call, so a label moved by someone else is never taken over.
   */
  moveStage(input: {
    secretId: string;
    stage: string;
    toVersionId?: string;
    fromVersionId?: string;
    region?: string;
  }): Promise<void>;
  /** Reads back one version's value: only to recover a value this bot itself stored. */
  readVersion(input: { secretId: string; versionId: string; region?: string }): Promise<string>;
  /** Starts a rotation with the secret's rotation Lambda (asynchronous). */
  rotate(input: {
    secretId: string;
    clientRequestToken: string;
    rotationLambdaArn?: string;
    region?: string;
  }): Promise<{ versionId: string }>;
}
