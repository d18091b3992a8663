import type { OutputMessage, RequestInfo } from './command.ts';
import { PermanentError } from './errors.ts';

/** ✓ ok, ⚠ warn, ✗ fail: the verdict words, shared by checks, digests and schedules. */
export type Status = 'ok' | 'warn' | 'fail';

/** The last run of a schedule, as `/ops schedule list` and the handoff show it. */
export interface LastRun {
  /** The cron occurrence it ran for (ms), or when `/ops schedule run` asked for it. */
  occurrence: number;
  requestId: string;
  /** Unset while the run has not finished. */
  status?: Status;
  summary?: string;
  link?: string;
  /** How late it fired, when it was a catch-up after downtime (ms). */
  lateMs?: number;
  finishedAt?: number;
}

/** One schedule as `/ops schedule list` and the handoff show it. */
export interface ScheduleRow {
  name: string;
  cron: string;
  timezone: string;
  command: string;
  channel: string;
  enabled: boolean;
  paused: boolean;
  next?: number;
  last?: LastRun;
}

/** The schedules, for `/ops schedule` (the engine in src/schedules implements it). */
export interface SchedulesPort {
  list(): Promise<ScheduleRow[]>;
  /** Asks for one run now, as the schedule's actor. Returns the request id. */
  runNow(name: string, askedBy: string): Promise<string>;
  /** True when the state changed (false: it was already paused / running). */
  setPaused(name: string, paused: boolean): Promise<boolean>;
}

/** Checklists, for `checklist <name>`. */
export interface ChecklistsPort {
  names(): string[];
  /** Runs the checks and returns the digest card (it posts nothing itself). */
  run(
    name: string,
    request: RequestInfo,
  ): Promise<{ message: OutputMessage; status: Status; summary: string }>;
}

/** What the person taking over a shift needs to know, gathered from opsbot's own state. */
export interface HandoffView {
  since: number;
  now: number;
  incidents: {
    title: string;
    severity: string;
    ageMs: number;
    acknowledgedBy?: string;
    link?: string;
  }[];
  /** Break-glass runs no approver has acknowledged yet. */
  breakGlass: {
    requestId: string;
    command: string;
    requester: string;
    reason: string;
    at: number;
  }[];
  failedRuns: {
    requestId: string;
    command: string;
    requester: string;
    at: number;
    reason: string;
  }[];
  awaitingApproval: { requestId: string; command: string; requester: string; at: number }[];
  schedules: ScheduleRow[];
  /** Undefined when there is no audit ledger to read notes from. */
  notes: { at: number; actor: string; text: string }[] | undefined;
}

/** The shift handoff, for `/ops handoff`. */
export interface HandoffPort {
  view(input: { sinceMs: number }): Promise<HandoffView>;
}

/** The bot's own services a command may reach through its ports (attached by src/schedules). */
interface ScheduleServices {
  schedules?: SchedulesPort;
  checklists?: ChecklistsPort;
  handoff?: HandoffPort;
}

/** The schedules, checklists or handoff service on a command's ports; a clear error without. */
export function botService<K extends keyof ScheduleServices>(
  ports: object,
  name: K,
): NonNullable<ScheduleServices[K]> {
  const found = (ports as ScheduleServices)[name];
  if (!found) throw new PermanentError('not_wired', `${name} are not available in this process`);
  return found as NonNullable<ScheduleServices[K]>;
}
