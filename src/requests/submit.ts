import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AuditSink } from '../audit/sink.ts';
import type { Logger } from '../log.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import { enqueueRun } from '../queue/runs-queue.ts';
import { QUEUE_UNREACHABLE, simple } from '../slack/blocks/replies.ts';
import type { Keys } from '../store/keys.ts';
import { hashRequest, type OpsRequest, type RunJob, requestIdFor } from './request.ts';

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
  source?: 'typed' | 'form' | 'button';
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
}

/** Seconds a submission key is remembered, to absorb Slack retries and double submits. */
const SUBMISSION_TTL_SECONDS = 24 * 3600;

/**
 * Turns a validated submission into a request and queues its run. Runs after the ack. A retried
 * submission (same key) is recognised atomically and does nothing.
 */
export async function submitRequest(
  submission: Submission,
  deps: SubmitDeps,
): Promise<OpsRequest | undefined> {
  const request: OpsRequest = {
    id: requestIdFor(submission.submissionKey),
    command: submission.command,
    args: submission.args,
    argsHash: hashRequest(submission.command, submission.args, submission.environment),
    environment: submission.environment,
    requester: submission.requester,
    channel: submission.channel,
    createdAt: Date.now(),
    ...(submission.threadTs ? { threadTs: submission.threadTs } : {}),
  };
  const log = deps.log.child({ request_id: request.id, command: request.command });
  try {
    const first = await deps.redis.set(
      deps.keys.submission(submission.submissionKey),
      request.id,
      'EX',
      SUBMISSION_TTL_SECONDS,
      'NX',
    );
    if (first === null) {
      log.info('duplicate submission ignored');
      return undefined;
    }
    await enqueueRun(deps.queue, request);
  } catch (error) {
    log.error({ err: (error as Error).message }, 'could not queue the request');
    await deps.writer
      .ephemeral(submission.channel, submission.requester, QUEUE_UNREACHABLE)
      .catch(() => {});
    return undefined;
  }
  log.info('request queued');
  deps.audit.append({
    action: 'request.created',
    actor: request.requester,
    command: request.command,
    args: request.args,
    request_id: request.id,
  });
  if (submission.channel !== deps.opsChannel) {
    await deps.writer
      .ephemeral(
        submission.channel,
        submission.requester,
        simple(`Queued ${request.id}; follow it in <#${deps.opsChannel}>.`),
      )
      .catch(() => {});
  }
  return request;
}
