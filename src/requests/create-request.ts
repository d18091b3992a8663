import { metrics } from '../metrics/metrics.ts';
import { breakGlassRefusal, requestRefusal } from './gate.ts';
import { resolvePolicy } from './policy.ts';
import { hashRequest, type OpsRequest, requestIdFor } from './request.ts';
import { RequestNotices } from './request-notices.ts';
import { enqueueRun } from './runs-queue.ts';
import type { CreateRequestDeps, Submission } from './submission.ts';
import { askForApproval, runUnderBreakGlass, showPlan } from './with-card.ts';

export type { CreateRequestDeps, Flow, Submission } from './submission.ts';

/** Seconds a submission key is remembered, to absorb Slack retries and double submits. */
const SUBMISSION_TTL_SECONDS = 24 * 3600;

/**
 * Turns a validated submission into a request, in a worker. A retried submission (same key, another
 * `delivery`) is recognised atomically and does nothing. Then: who may request → `--plan`
 * (ephemeral plan, never queued) → `--emergency` (break-glass) → a request card when approvals are
 * needed → else the run is queued at once.
 *
 * `delivery` names one hand-over of the submission (its stream entry). The same delivery coming
 * back means the worker that claimed it died before finishing: the flow runs again unless the
 * request (its record or its job) was already made.
 */
export async function createRequest(
  submission: Submission,
  deps: CreateRequestDeps,
  delivery: string,
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
    ...(submission.source === 'guided' ? { guided: true as const } : {}),
  };
  const log = deps.log.child({
    stage: 'createRequest',
    request_id: request.id,
    command: request.command,
  });
  const notices = new RequestNotices(deps.writer, deps.renderer);
  const tell = (text: string) => notices.tell(submission, text);
  const command = deps.registry.find(submission.command);
  if (!command) {
    await tell(`:warning: opsbot has no command \`${submission.command}\`. Nothing was run.`);
    return undefined;
  }
  const policy = resolvePolicy(command, submission.environment, deps.config.policies);
  const { limits } = deps;
  let reserved: string | undefined;
  try {
    const claim = await claimSubmission(deps, submission.submissionKey, delivery);
    if (claim === 'duplicate') {
      log.info('duplicate submission ignored');
      metrics.requests.inc({ command: request.command, outcome: 'duplicate' });
      return undefined;
    }
    if (claim === 'again' && (await alreadyMade(deps, request.id))) {
      log.info('submission handed over again; its request was already made');
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
    // Per-member limits (finding 7 of issue 16). A schedule is the config's, not a member's; a
    // guided runbook's command steps run one at a time and its start was counted already.
    if (submission.source !== 'schedule' && submission.source !== 'guided') {
      const plan = submission.flags?.plan === true;
      const direct = !plan && (submission.flags?.emergency !== undefined || policy.approvals === 0);
      reserved = direct ? request.id : undefined;
      const overLimit = await limits.take({
        requester: request.requester,
        mayRun: !plan,
        reserve: reserved,
      });
      if (overLimit) {
        log.info({ requester: request.requester }, 'request refused by a per-member limit');
        metrics.requests.inc({ command: request.command, outcome: 'limited' });
        await tell(overLimit);
        return undefined;
      }
    }
    const flow = { submission, request, command, policy, deps, log, tell, notices };
    if (submission.flags?.plan) return await showPlan(flow);
    if (submission.flags?.emergency)
      return await runUnderBreakGlass(flow, submission.flags.emergency.reason);
    if (policy.approvals > 0) return await askForApproval(flow);
    await enqueueRun(deps.queue, request, { counted: reserved !== undefined });
  } catch (error) {
    if (reserved) await limits.runFinished(request.requester, reserved).catch(() => {});
    log.error({ err: (error as Error).message }, 'could not queue the request');
    metrics.requests.inc({ command: request.command, outcome: 'unreachable' });
    await notices.queueUnreachable(submission);
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
    await notices.queuedIn(submission, request.id, deps.opsChannel);
  }
  return request;
}

/**
 * Claims a submission for one delivery. `first`: nobody had it. `again`: this same delivery claimed
 * it before (its worker died before finishing). `duplicate`: another delivery of the submission (a
 * Slack retry, a double submit) has it.
 */
async function claimSubmission(
  deps: CreateRequestDeps,
  submissionKey: string,
  delivery: string,
): Promise<'first' | 'again' | 'duplicate'> {
  const key = deps.keys.submission(submissionKey);
  if ((await deps.redis.set(key, delivery, 'EX', SUBMISSION_TTL_SECONDS, 'NX')) !== null)
    return 'first';
  return (await deps.redis.get(key)) === delivery ? 'again' : 'duplicate';
}

/** Whether the request was stored (approval, break-glass) or its run queued. */
async function alreadyMade(deps: CreateRequestDeps, requestId: string): Promise<boolean> {
  if ((await deps.redis.exists(deps.keys.request(requestId))) > 0) return true;
  return (await deps.queue.getJob(requestId)) !== undefined;
}
