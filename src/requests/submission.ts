import type { Queue } from 'bullmq';
import type { GroupResolver } from '../approvals/groups.ts';
import type { RequestStore } from '../approvals/request-store.ts';
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
import type { OpsRequest, RunJob } from './request.ts';

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
  /** Where the request came from: typed, a form, or a button (runbook or incident). */
  source?: 'typed' | 'form' | 'button' | 'schedule';
}

/** Hands a validated submission on (after the ack). The one entry point for typed, form and button requests. */
export type SubmitRequest = (submission: Submission) => Promise<unknown>;

export interface SubmitDeps {
  redis: Redis;
  keys: Keys;
  queue: Queue<RunJob>;
  writer: SlackWriter;
  audit: AuditSink;
  log: Logger;
  opsChannel: string;
  registry: Registry;
  config: Pick<FileConfig, 'policies' | 'targets' | 'limits'>;
  groups: GroupResolver;
  store: RequestStore;
  aws: Ports;
  /** How long after a break-glass run the first acknowledgement reminder is posted. */
  reminderMs: number;
}

/** What the flows after the policy checks share. */
export interface Flow {
  submission: Submission;
  request: OpsRequest;
  command: AnyCommand;
  policy: Policy;
  deps: SubmitDeps;
  log: Logger;
  tell: (text: string) => Promise<void>;
}
