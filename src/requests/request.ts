import { createHash } from 'node:crypto';
import type { Plan } from '../sdk/command.ts';
import { canonicalJson as canonical } from '../util/canonical-json.ts';

/** What a person asked for: a command with validated, normalised arguments. Never holds a secret. */
export interface OpsRequest {
  id: string;
  command: string;
  args: Record<string, unknown>;
  /** SHA-256 over command + normalised args + environment: what an approval is bound to. */
  argsHash: string;
  environment: string;
  requester: string;
  channel: string;
  createdAt: number;
  emergency?: { reason: string };
  /** The plan shown to people, when the command has one. Re-checked before the run starts. */
  plan?: Plan;
  /** Thread the run reports into (the request card's thread, or an incident thread). */
  threadTs?: string;
  /** Where the request card is, when the request has one (approval or break-glass). */
  card?: { channel: string; ts: string };
  /**
   * Made by a command step of a guided runbook: its run's end is told to the runbook. Requests
   * made before this field existed lack it; the runbook's own poll still sees their end.
   */
  guided?: true;
}

/** Where a request's approval stands: pending → approved | denied | cancelled | expired. */
export type ApprovalState = 'pending' | 'approved' | 'denied' | 'cancelled' | 'expired';

/** The phase of the run of an approved request: running → done | failed. */
export type RunPhase = 'running' | 'done' | 'failed';

/**
 * Where a request stands, as its record (and card) shows it: its approval state, then, once it is
 * approved and its run starts, the run's phase (the worker's run hooks move it; see run-hooks.ts).
 */
export type RequestState = ApprovalState | RunPhase;

/** Job data for a run. Equal to the request: a run is a job executing a request. */
export type RunJob = OpsRequest;

export { canonicalJson } from '../util/canonical-json.ts';

export function hashRequest(command: string, args: Record<string, unknown>, environment: string) {
  return createHash('sha256').update(canonical({ command, args, environment })).digest('hex');
}

/**
 * A request id derived from what identifies one submission (Slack's `trigger_id`), so a retried
 * delivery, even to another instance, maps to the same request and the same job.
 */
export function requestIdFor(submissionKey: string): string {
  return `req_${createHash('sha256').update(submissionKey).digest('hex').slice(0, 16)}`;
}

export function runIdFor(requestId: string): string {
  return requestId.replace(/^req_/, 'run_');
}

/** The arguments as an operator would type them: `mission-control-api 43 alias=prod`. */
export function argsText(args: Record<string, unknown>): string {
  return Object.entries(args)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const text = String(value);
      return `${key}=${/\s/.test(text) ? JSON.stringify(text) : text}`;
    })
    .join(' ');
}
