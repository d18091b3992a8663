import { ECSClient } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type RegionalClients, regionalClients } from './clients.ts';

/**
 * Secrets Manager and ECS clients that do not retry `LimitExceededException`. The SDK counts that
 * error as throttling everywhere, but for these two services it means a quota was reached (too
 * many versions of a secret, too many services or tasks in a cluster): retrying only delays the
 * failure. `explainAwsError` then fails the run at once with a sentence.
 */

const QUOTA_ERROR = 'LimitExceededException';

interface RetryStrategy {
  acquireInitialRetryToken(scope: string): Promise<unknown>;
  refreshRetryTokenForRetry(token: unknown, info: { error?: { name?: string } }): Promise<unknown>;
  recordSuccess(token: unknown): void;
}

interface RetryConfig {
  retryStrategy: () => Promise<unknown>;
}

/** Wraps the client's own retry strategy so a quota error ends the call at its first answer. */
export function failQuotaAtOnce<C extends { config: RetryConfig }>(client: C): C {
  const original = client.config.retryStrategy;
  client.config.retryStrategy = async () => {
    const strategy = (await original()) as RetryStrategy;
    if (typeof strategy.refreshRetryTokenForRetry !== 'function') return strategy;
    return {
      acquireInitialRetryToken: (scope: string) => strategy.acquireInitialRetryToken(scope),
      recordSuccess: (token: unknown) => strategy.recordSuccess(token),
      refreshRetryTokenForRetry(token: unknown, info: { error?: { name?: string } }) {
        if (info.error?.name === QUOTA_ERROR) return Promise.reject(info.error);
        return strategy.refreshRetryTokenForRetry(token, info);
      },
    };
  };
  return client;
}

export function secretsClients(region: string): RegionalClients<SecretsManagerClient> {
  return regionalClients((c) => failQuotaAtOnce(new SecretsManagerClient(c)), region);
}

export function ecsClients(region: string): RegionalClients<ECSClient> {
  return regionalClients((c) => failQuotaAtOnce(new ECSClient(c)), region);
}
