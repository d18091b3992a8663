/**
 * State a step keeps in Redis for its run: values that survive a worker restart (so a long step
 * such as a follow resumes where it was), claims only one run holds at a time, and stop requests
 * (a Stop button). Values must be JSON and must not hold a secret.
 */
export interface RunState {
  load<T>(name: string): Promise<T | undefined>;
  save(name: string, value: unknown): Promise<void>;
  /** What another run saved, to point at it (`loadOf(heldBy, 'follow')`). */
  loadOf<T>(runId: string, name: string): Promise<T | undefined>;
  /**
   * Holds a named claim for this run until released; it lapses shortly after the run's worker
   * dies, and the same run (retried) takes it back at once. Names the run holding it otherwise.
   */
  hold(claim: string): Promise<{ release(): Promise<void> } | { heldBy: string }>;
  /** The user who asked this run to stop (a Stop button), if anyone did. */
  stopRequestedBy(): Promise<string | undefined>;
  /** A value this command keeps across its runs (the last table-health row counts), for 30 days. */
  recall?<T>(name: string): Promise<T | undefined>;
  remember?(name: string, value: unknown): Promise<void>;
}
