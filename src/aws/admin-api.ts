import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PermanentError, TransientError } from '../sdk/errors.ts';
import type { AdminApiAnswer, AdminApiPort, AdminApiRef } from '../sdk/ports/index.ts';
import { arnRegion, type ClientFor } from './clients.ts';
import { awsCall } from './errors.ts';

/** The most body characters kept for messages. */
const MAX_TEXT = 2_000;

/**
 * The app's admin API (`POST /beak/admin`). The admin key is read from Secrets Manager for each
 * call and lives only in this function's memory: never cached, never on disk, never in an error,
 * log or result. After a 401 the key is read again once (it may have been rotated) and the same
 * request is sent again with the same Idempotency-Key.
 */
export function adminApiAdapter(secrets: ClientFor<SecretsManagerClient>): AdminApiPort {
  async function readKey(api: AdminApiRef): Promise<string> {
    const out = await awsCall(
      {
        action: 'secretsmanager:GetSecretValue',
        resource: `secret ${api.keySecret}${api.region ? ` in ${api.region}` : ''} (the admin API key)`,
      },
      () =>
        secrets(arnRegion(api.keySecret) ?? api.region).send(
          new GetSecretValueCommand({ SecretId: api.keySecret }),
        ),
    );
    const key = out.SecretString?.trim();
    if (!key) {
      throw new PermanentError(
        'admin_key_missing',
        `secret ${api.keySecret} holds no admin key (SecretString is empty)`,
      );
    }
    return key;
  }

  async function send(
    api: AdminApiRef,
    key: string,
    body: Record<string, string>,
    idempotencyKey: string,
  ): Promise<AdminApiAnswer> {
    let response: Response;
    try {
      response = await fetch(api.url, {
        method: 'POST',
        signal: AbortSignal.timeout(api.timeoutMs),
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'idempotency-key': idempotencyKey,
          [api.header]: api.scheme ? `${api.scheme} ${key}` : key,
        },
        body: JSON.stringify(body),
      });
    } catch (error) {
      const e = error as { name?: string; cause?: { code?: string } };
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      throw new TransientError(
        timedOut ? 'admin_api_timeout' : 'admin_api_unreachable',
        timedOut
          ? `the admin API (${api.url}) did not answer within ${api.timeoutMs} ms; the run checks the record before asking again`
          : `could not reach the admin API (${api.url}: ${e.cause?.code ?? e.name ?? 'error'}); the run checks the record before asking again`,
      );
    }
    const text = (await response.text()).slice(0, MAX_TEXT);
    const answer: AdminApiAnswer = { status: response.status, text };
    try {
      answer.json = JSON.parse(text);
    } catch {
      // Not JSON: the status and the text say what happened.
    }
    return answer;
  }

  return {
    async post(api, body, idempotencyKey) {
      const first = await send(api, await readKey(api), body, idempotencyKey);
      if (first.status !== 401) return first;
      // The key may have been rotated since: read it again, once.
      return send(api, await readKey(api), body, idempotencyKey);
    },
  };
}
