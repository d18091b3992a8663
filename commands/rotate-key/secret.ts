import { currentVersion, generateApiKey, PermanentError, type Ports } from '../../src/sdk/index.ts';

/**
 * rotate-key's Secrets Manager delivery, in AWS's own rotation order: the new key is staged as
 * AWSPENDING (consumers reading AWSCURRENT keep the old key), DynamoDB activates it, and only then
 * is AWSCURRENT moved to it. A failed or interrupted activation therefore never leaves consumers
 * with a key the API does not accept.
 *
 * The version id is the ClientRequestToken derived from the request id, so a retried run finds the
 * version its earlier attempt wrote, whatever labels it has by then.
 */

/** Where this request's key lives: the secret, its region and the version (token) it wrote. */
export interface KeyVersion {
  secretId: string;
  region?: string;
  token: string;
}

interface SecretCtx {
  ports: Ports;
  progress(note: string): void;
}

/**
 * Stores a new key as an AWSPENDING version and returns it (in memory only). When a version with
 * this request's token already exists (a retry), reads it back instead, so the key activated is the
 * key stored. When the secret does not exist yet, CreateSecret makes the first version AWSCURRENT
 * at once: no consumer depends on an older key there, so there is nothing to keep current.
 */
export async function stageKey(ctx: SecretCtx, where: KeyVersion): Promise<string> {
  const { secretId, region, token } = where;
  const info = await ctx.ports.secrets.describe({ secretId, region });
  if (info?.versions[token]) {
    ctx.progress('recovering the key this request already stored');
    return ctx.ports.secrets.readVersion({ secretId, versionId: token, region });
  }
  const key = generateApiKey();
  await ctx.ports.secrets.putValue({
    secretId,
    value: key,
    clientRequestToken: token,
    create: !info,
    pending: true,
    region,
  });
  return key;
}

/**
 * Makes this request's version AWSCURRENT (AWS moves AWSPREVIOUS to the version it leaves), then
 * takes AWSPENDING off it, since UpdateSecretVersionStage adds labels and keeps the others. Call it
 * only once DynamoDB holds this key's hash. Each call does only what is left, so a retry after a
 * crash between the two moves finishes the job.
 */
export async function makeKeyCurrent(ctx: SecretCtx, where: KeyVersion) {
  const { secretId, region, token } = where;
  const info = await ctx.ports.secrets.describe({ secretId, region });
  const stages = info?.versions[token];
  if (!info || !stages) {
    throw new PermanentError(
      'key_version_missing',
      `secret ${secretId} has no version ${token}, which holds the key this request activated; the key works but consumers cannot read it from there`,
    );
  }
  const previous = currentVersion(info);
  const moved = previous !== token;
  if (moved) {
    await ctx.ports.secrets.moveStage({
      secretId,
      region,
      stage: 'AWSCURRENT',
      toVersionId: token,
      ...(previous ? { fromVersionId: previous } : {}),
    });
  }
  if (stages.includes('AWSPENDING')) {
    await ctx.ports.secrets.moveStage({
      secretId,
      region,
      stage: 'AWSPENDING',
      fromVersionId: token,
    });
  }
  return { versionId: token, previousVersionId: moved ? (previous ?? null) : null, moved };
}
