/** A guided runbook as `runbook list` shows it. */
export interface GuidedRunbookSummary {
  name: string;
  title: string;
  source: string;
  steps: number;
  params: { name: string; required: boolean }[];
}

/** An execution of a guided runbook as `runbook status` shows it. */
export interface GuidedExecutionSummary {
  id: string;
  name: string;
  title: string;
  status: string;
  /** The current step (1-based) and what it says. */
  step: number;
  steps: number;
  stepText: string;
  stepState: string;
  starter: string;
  startedAt: number;
}

/** Guided runbooks as the `runbook` command reaches them (the engine is in src/guided). */
export interface GuidedRunbooksPort {
  list(): GuidedRunbookSummary[];
  active(): Promise<GuidedExecutionSummary[]>;
  /**
   * Starts `text` (`<name> [param=value …]`) for the request that asked, posting the runbook card in
   * the ops channel, or in `threadTs` of `channel` (an incident thread). Throws a UserError naming
   * the file, step and reason when the runbook or its parameters are not valid; nothing is queued then.
   */
  start(input: {
    text: string;
    requestId: string;
    starter: string;
    channel: string;
    threadTs?: string;
  }): Promise<GuidedExecutionSummary>;
}
