import { isOpsError, type OpsError, TransientError } from '../sdk/errors.ts';

/** Any error as an OpsError: ours pass through; anything unexpected is treated as transient. */
export function classify(error: unknown): OpsError {
  if (isOpsError(error)) return error;
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return new TransientError('internal_error', message.slice(0, 300));
}
