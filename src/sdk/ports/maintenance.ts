/**
 * Maintenance windows, the bot's own (Redis and a BullMQ delayed job): while one is open, the
 * incidents whose alert matches its service are posted muted, the runs on the service are noted,
 * and at its end (by hand or planned) a summary is posted.
 */

export interface MaintenanceWindow {
  /** The request id of the run that opened it. */
  id: string;
  /** A service under `targets.maintenance`, or `all` (every alert, every run). */
  service: string;
  reason: string;
  /** Who asked (a Slack user id). */
  by: string;
  /** The run that opened it (`maintenance start`, or `deploy --safe` inside its own run). */
  runId: string;
  /** The command of that run (`maintenance`, `deploy`). */
  command: string;
  /** When it opened and when it is planned to end (ms since the epoch). */
  startedAt: number;
  plannedEnd: number;
}

export interface MaintenanceRun {
  runId: string;
  command: string;
  requester: string;
  at: number;
  /** Where the run stood when the window closed. */
  phase: 'running' | 'done' | 'failed';
}

/** What the end of a window reports. */
export interface MaintenanceSummary {
  window: MaintenanceWindow;
  endedAt: number;
  /** `manual`: `maintenance end` (or the run that opened it); `planned`: the planned end. */
  how: 'manual' | 'planned';
  /** Who ended it (a Slack user id), or `system` at the planned end. */
  endedBy: string;
  /** The runs made on the service while it was open. */
  runs: MaintenanceRun[];
  /** The incidents posted muted while it was open. */
  muted: { incidentId: string; title: string }[];
}

export type MaintenanceStart =
  | { outcome: 'opened' | 'adopted'; window: MaintenanceWindow }
  /** Another window is open on the service: nothing changed. */
  | { outcome: 'busy'; window: MaintenanceWindow };

export interface MaintenancePort {
  /** The open windows, soonest end first. */
  list(): Promise<MaintenanceWindow[]>;
  /**
   * Opens a window: stores it, schedules its planned end, posts the announcement (ops channel and
   * the service's `announce_channels`) and sends the signed `status_webhook`. The same `id` again
   * (a retried run) adopts the window it opened, and never announces twice.
   */
  start(
    input: Omit<MaintenanceWindow, 'startedAt' | 'plannedEnd'> & { durationMs: number },
  ): Promise<MaintenanceStart>;
  /**
   * Closes the service's open window (only the one opened by `id`, when given), posts its summary
   * and sends the status webhook. Undefined when none is open (already closed).
   */
  end(input: { service: string; by: string; id?: string }): Promise<MaintenanceSummary | undefined>;
}
