/** What promote and rollback did to an alias: the bot's own history (Redis). */

export interface DeployEntry {
  /** `promote`/`rollback` of a Lambda alias; `deploy`/`rollback` of a service's image. */
  kind: 'promote' | 'rollback' | 'deploy';
  /** The run that moved the alias; a retried run records once. */
  runId: string;
  from: string;
  to: string;
  by: string;
  at: string;
  /** For a rollback: the run id of the promote it undid. */
  undoes?: string;
}

/** Whose history: a Lambda alias, or a service (its image deploys; `from`/`to` are image URIs). */
export type DeployTarget = { function: string; alias: string } | { service: string };

export interface DeployHistoryPort {
  /** Adds an entry for the target; recording the same run id twice keeps the first. */
  record(target: DeployTarget, entry: DeployEntry): Promise<void>;
  /** Newest first. */
  list(target: DeployTarget, limit?: number): Promise<DeployEntry[]>;
}
