import { resolvePolicy } from '../approvals/policy.ts';
import { metrics } from '../metrics/metrics.ts';
import { enqueueRun } from '../queue/runs-queue.ts';
import { QUEUE_UNREACHABLE, simple } from '../slack/blocks/replies.ts';
import { breakGlassRefusal, requestRefusal } from './gate.ts';
import { hashRequest, type OpsRequest, requestIdFor } from './request.ts';
import type { Submission, SubmitDeps } from './submission.ts';
import { askForApproval, runUnderBreakGlass, showPlan } from './with-card.ts';

export type { Flow, Submission, SubmitDeps, SubmitRequest } from './submission.ts';

/** Seconds a submission key is remembered, to absorb Slack retries and double submits. */
const SUBMISSION_TTL_SECONDS = 24 * 3600;

/**
 * Turns a validated submission into a request. Runs after the ack. A retried submission (same key)
 * is recognised atomically and does nothing. Then: who may request → `--plan` (ephemeral plan,
 * never queued) → `--emergency` (break-glass) → a request card when approvals are needed → else
 * the run is queued at once.
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
  const tell = (text: string) =>
    deps.writer
      .ephemeral(submission.channel, submission.requester, simple(text), submission.threadTs)
      .catch(() => {});
  const command = deps.registry.find(submission.command);
  if (!command) {
    await tell(`:warning: opsbot has no command \`${submission.command}\`. Nothing was run.`);
    return undefined;
  }
  const policy = resolvePolicy(command, submission.environment, deps.config.policies);
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
      metrics.requests.inc({ command: request.command, outcome: 'duplicate' });
      return undefined;
    }
    const refusal =
      (await requestRefusal(submission, policy, deps.groups)) ??
      (submission.flags?.emergency
        ? await breakGlassRefusal(
            submission,
            policy,
            submission.flags.emergency.reason,
            deps.groups,
          )
        : undefined);
    if (refusal) {
      log.info({ requester: request.requester }, 'request refused by policy');
      metrics.requests.inc({ command: request.command, outcome: 'refused' });
      await tell(refusal);
      return undefined;
    }
    const flow = { submission, request, command, policy, deps, log, tell };
    if (submission.flags?.plan) return await showPlan(flow);
    if (submission.flags?.emergency)
      return await runUnderBreakGlass(flow, submission.flags.emergency.reason);
    if (policy.approvals > 0) return await askForApproval(flow);
    await enqueueRun(deps.queue, request);
  } catch (error) {
    log.error({ err: (error as Error).message }, 'could not queue the request');
    metrics.requests.inc({ command: request.command, outcome: 'unreachable' });
    await tell(QUEUE_UNREACHABLE.text);
    return undefined;
  }
  log.info('request queued');
  metrics.requests.inc({ command: request.command, outcome: 'queued' });
  deps.audit.append({
    action: 'request.created',
    actor: request.requester,
    command: request.command,
    args: request.args,
    request_id: request.id,
  });
  if (submission.channel !== deps.opsChannel) {
    await tell(`Queued ${request.id}; follow it in <#${deps.opsChannel}>.`);
  }
  return request;
}
