import type { Queue } from 'bullmq';
import type { AuditSink } from '../audit/sink.ts';
import type { FileConfig } from '../config/file.ts';
import type { Registry } from '../intake/validate.ts';
import type { Logger } from '../log.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import type { AnyCommand } from '../sdk/command.ts';
import type { Policy } from '../sdk/policy.ts';
import type { Ports } from '../sdk/ports/index.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import type { GroupResolver } from './groups.ts';
import type { UserLimits } from './limits.ts';
import type { OpsRequest, RunJob } from './request.ts';
import type { RequestNotices, RequestRenderer } from './request-notices.ts';
import type { RequestStore } from './request-store.ts';

export interface Submission {
  /** What identifies one submission across Slack retries (the slash command's `trigger_id`). */
  submissionKey: string;
  command: string;
  args: Record<string, unknown>;
  environment: string;
  requester: string;
  channel: string;
  /** Thread to report into (an incident thread, when a runbook button started the request). */
  threadTs?: string;
  /** `--plan`: show the plan only. `--emergency reason="…"`: break-glass. */
  flags?: { plan?: boolean; emergency?: { reason: string } };
  /**
   * Where the request came from: typed, a form, a button (runbook or incident), a schedule, or a
   * command step of a guided runbook (`guided`: one step at a time, started by a member's request).
   */
  source?: 'typed' | 'form' | 'button' | 'schedule' | 'guided';
}

/**
 * The web role's stage: hands a validated submission on to the workers (after the ack), through the
 * submissions stream. The one entry point for typed, form, button and scheduled requests.
 */
export type EnqueueSubmission = (submission: Submission) => Promise<unknown>;

/** What the worker's stage, `createRequest`, needs. */
export interface CreateRequestDeps {
  redis: Redis;
  keys: Keys;
  queue: Queue<RunJob>;
  writer: SlackWriter;
  /** How request notices look in Slack (src/slack/blocks, handed over by src/roles). */
  renderer: RequestRenderer;
  audit: AuditSink;
  log: Logger;
  opsChannel: string;
  registry: Registry;
  config: Pick<FileConfig, 'policies' | 'targets'>;
  /** Per-member limits (one per process, shared with the run queues and workers). */
  limits: UserLimits;
  groups: GroupResolver;
  store: RequestStore;
  ports: Ports;
  /** How long after a break-glass run the first acknowledgement reminder is posted. */
  reminderMs: number;
}

/** What the flows after the policy checks share. */
export interface Flow {
  submission: Submission;
  request: OpsRequest;
  command: AnyCommand;
  policy: Policy;
  deps: CreateRequestDeps;
  log: Logger;
  tell: (text: string) => Promise<void>;
  /** What the flow tells Slack (rendered by src/slack/blocks). */
  notices: RequestNotices;
}
