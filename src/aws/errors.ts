import { type OpsError, PermanentError, TransientError, UserError } from '../sdk/errors.ts';

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
  'ServiceException',
]);

/**
 * Services where `LimitExceededException` is a quota (too many versions of a secret, too many
 * services or tasks in a cluster), not throttling: retrying cannot help, so the run fails at once.
 * Elsewhere (CloudWatch Logs, API Gateway) AWS uses the same name for request rates.
 */
const QUOTA_LIMIT_SERVICES: Record<string, string> = {
  secretsmanager: 'a Secrets Manager quota (for example the number of versions of a secret)',
  ecs: 'an ECS service quota (for example services or tasks per cluster)',
};

interface SdkError {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/** What an AWS call was doing, so an error can be phrased as a sentence. */
export interface CallSite {
  /** IAM action, e.g. `lambda:UpdateAlias`. */
  action: string;
  /** What it acted on, e.g. an ARN or `table spaceduck-ducklings in us-east-1`. */
  resource: string;
}

/** Turns an AWS SDK error into an OpsError with a sentence an operator can act on. */
export function explainAwsError(error: unknown, site: CallSite): OpsError {
  const e = (error ?? {}) as SdkError;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const quota = QUOTA_LIMIT_SERVICES[site.action.split(':')[0] ?? ''];
  if (name === 'LimitExceededException' && quota) {
    return new PermanentError(
      'aws_quota_exceeded',
      `${site.action} on ${site.resource} hit ${quota} (LimitExceededException); retrying will not help: raise the quota or clean up, then ask again${e.message ? ` — ${e.message.slice(0, 200)}` : ''}`,
    );
  }
  if (THROTTLING.has(name) || status === 429 || (e.$fault === 'server' && status !== 501)) {
    return new TransientError(
      'aws_throttled',
      `AWS throttled or failed ${site.action} on ${site.resource} (${name}); retrying`,
    );
  }
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name) || status === 403) {
    return new PermanentError(
      'aws_access_denied',
      `the bot's role lacks \`${site.action}\` on ${site.resource}`,
    );
  }
  // WAFv2 names a missing IP set (or web ACL) WAFNonexistentItemException.
  if (/NotFound|NoSuchEntity|^WAFNonexistentItem/i.test(name) || status === 404) {
    return new UserError('aws_not_found', `no such ${site.resource}`);
  }
  if (name === 'PreconditionFailedException') {
    return new PermanentError(
      'aws_precondition_failed',
      `${site.resource} was changed by someone else while this ran; nothing was overwritten`,
    );
  }
  if (
    /TimeoutError|ECONNRESET|ETIMEDOUT|ECONNREFUSED|socket hang up/i.test(
      `${name} ${e.message ?? ''}`,
    )
  ) {
    return new TransientError(
      'aws_unreachable',
      `could not reach AWS for ${site.action} (${name}); retrying`,
    );
  }
  return new PermanentError(
    'aws_error',
    `${site.action} on ${site.resource} failed: ${name}${e.message ? ` — ${e.message.slice(0, 200)}` : ''}`,
  );
}

/** Runs an SDK call and translates its failure. */
export async function awsCall<T>(site: CallSite, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainAwsError(error, site);
  }
}
