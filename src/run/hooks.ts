import type { RunJob } from '../requests/request.ts';

export type RunPhase = 'running' | 'done' | 'failed';

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
