import { createHash, randomBytes, randomInt } from 'node:crypto';
import { CHARSETS } from '../config/runbook-targets.ts';
import type { SecretInfo } from './ports/index.ts';

/** A new API key: 32 bytes from the CSPRNG, base64url. Hold it in memory only. */
export function generateApiKey(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A secret value of `length` characters drawn uniformly (no modulo bias) from a named charset. */
export function generateSecretValue(length: number, charset: keyof typeof CHARSETS): string {
  const alphabet = CHARSETS[charset];
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/**
 * An idempotency token (Secrets Manager `ClientRequestToken`, 32–64 characters) derived from the
 * request id and what it is for, in UUID form: a retried run of the same request sends the same
 * token, so AWS treats the repeat as the same call.
 */
export function requestToken(requestId: string, purpose: string): string {
  const hex = sha256Hex(`${requestId}:${purpose}`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The version a rotation has staged but not finished (AWSPENDING without AWSCURRENT), if any. */
export function pendingVersion(info: SecretInfo): string | undefined {
  return Object.entries(info.versions).find(
    ([, stages]) => stages.includes('AWSPENDING') && !stages.includes('AWSCURRENT'),
  )?.[0];
}

/** The version that is AWSCURRENT, if any. */
export function currentVersion(info: SecretInfo): string | undefined {
  return Object.entries(info.versions).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
}
