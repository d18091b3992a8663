import type { RunJob, RunPhase } from '../requests/request.ts';

export type { RunPhase };

/**
 * What the worker tells the rest of opsbot about a run, without knowing who listens (the request
 * card is one listener). Implementations must not throw.
 */
export interface RunHooks {
  runChanged(
    job: RunJob,
    phase: RunPhase,
    problem?: { code: string; message: string },
  ): Promise<void>;
}
