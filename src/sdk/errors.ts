/**
 * The three kinds of failure a step can raise. The worker decides what happens next from the kind:
 * a user error is shown as is and never retried, a transient error is retried with backoff, a
 * permanent error fails the run at once.
 */
export type FailureKind = 'user' | 'transient' | 'permanent';

export class OpsError extends Error {
  readonly kind: FailureKind;
  /** A stable, machine-readable code such as `alias_drifted` or `aws_access_denied`. */
  readonly code: string;

  constructor(kind: FailureKind, code: string, message: string) {
    super(message);
    this.name = 'OpsError';
    this.kind = kind;
    this.code = code;
  }
}

/** Something the operator asked for cannot be done as asked (unknown version, inactive account). */
export class UserError extends OpsError {
  constructor(code: string, message: string) {
    super('user', code, message);
    this.name = 'UserError';
  }
}

/** A failure worth retrying: throttling, a timeout, a 5xx. */
export class TransientError extends OpsError {
  constructor(code: string, message: string) {
    super('transient', code, message);
    this.name = 'TransientError';
  }
}

/** A failure that retrying cannot fix: missing permission, a stale revision, a drifted plan. */
export class PermanentError extends OpsError {
  constructor(code: string, message: string) {
    super('permanent', code, message);
    this.name = 'PermanentError';
  }
}

export function isOpsError(error: unknown): error is OpsError {
  return error instanceof OpsError;
}

/** Any error as an OpsError: ours pass through; anything unexpected is treated as transient. */
export function classify(error: unknown): OpsError {
  if (isOpsError(error)) return error;
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return new TransientError('internal_error', message.slice(0, 300));
}
