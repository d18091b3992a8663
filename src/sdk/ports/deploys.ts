/** What promote and rollback did to an alias: the bot's own history (Redis). */

export interface DeployEntry {
  kind: 'promote' | 'rollback';
  /** The run that moved the alias; a retried run records once. */
  runId: string;
  from: string;
  to: string;
  by: string;
  at: string;
  /** For a rollback: the run id of the promote it undid. */
  undoes?: string;
}

export interface DeployHistoryPort {
  /** Adds an entry for `<function>:<alias>`; recording the same run id twice keeps the first. */
  record(target: { function: string; alias: string }, entry: DeployEntry): Promise<void>;
  /** Newest first. */
  list(target: { function: string; alias: string }, limit?: number): Promise<DeployEntry[]>;
}
