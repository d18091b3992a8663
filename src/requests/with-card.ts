import { metrics } from '../metrics/metrics.ts';
import type { Plan } from '../sdk/command.ts';
import { classify } from '../sdk/errors.ts';
import type { OpsRequest } from './request.ts';
import type { RequestRecord } from './request-store.ts';
import { enqueueRun } from './runs-queue.ts';
import type { Flow } from './submission.ts';

/** Runs the command's read-only `plan()`; a failure is told to the requester and returns undefined. */
async function planFor(flow: Flow): Promise<{ plan?: Plan } | undefined> {
  const { command, request, deps } = flow;
  if (!command.plan) return {};
  try {
    const plan = await command.plan({
      args: request.args,
      request: {
        id: request.id,
        command: request.command,
        requester: request.requester,
        channel: request.channel,
        environment: request.environment,
      },
      targets: deps.config.targets,
      ports: deps.ports,
    });
    return { plan };
  } catch (error) {
    const problem = classify(error);
    flow.log.warn({ code: problem.code }, `plan failed: ${problem.message}`);
    await flow.notices.planFailed(flow.submission, request.command, problem.message);
    return undefined;
  }
}

/** `--plan`: the plan as an ephemeral reply. Never stored, never queued. */
export async function showPlan(flow: Flow): Promise<undefined> {
  const { request, policy, deps } = flow;
  const planned = await planFor(flow);
  if (!planned) return undefined;
  await flow.notices.plan(request, planned.plan, policy);
  metrics.requests.inc({ command: request.command, outcome: 'plan_only' });
  deps.audit.append({
    action: 'plan.shown',
    actor: request.requester,
    command: request.command,
    args: request.args,
    request_id: request.id,
    data: planned.plan ? { plan: planned.plan.summary } : {},
  });
  return undefined;
}

/**
 * Posts the request card where the request came from: the ops channel, or the incident thread a
 * runbook button was pressed in. The run then reports into the card's thread.
 */
async function postCard(flow: Flow, view: RequestRecord) {
  const { submission, deps } = flow;
  const channel = submission.threadTs ? submission.channel : deps.opsChannel;
  const card = await flow.notices.postCard(channel, view, submission.threadTs);
  await deps.store.setCard(view.request.id, card);
  return card;
}

function created(flow: Flow, request: OpsRequest, data: Record<string, unknown>) {
  flow.deps.audit.append({
    action: 'request.created',
    actor: request.requester,
    command: request.command,
    args: request.args,
    request_id: request.id,
    data,
  });
}

/** The plan says nothing will change: no approval is needed, the run only reports. */
async function runUnchanged(flow: Flow, request: OpsRequest): Promise<OpsRequest> {
  await enqueueRun(flow.deps.queue, request);
  flow.log.info('nothing to change: queued without approval');
  metrics.requests.inc({ command: request.command, outcome: 'queued' });
  created(flow, request, {
    approvals_needed: 0,
    unchanged: true,
    source: flow.submission.source ?? 'typed',
    ...(request.plan ? { plan: request.plan.summary } : {}),
  });
  return request;
}

/** Approvals needed: store the request (pending), post its card, and wait for clicks. */
export async function askForApproval(flow: Flow): Promise<OpsRequest | undefined> {
  const { policy, deps, submission } = flow;
  const planned = await planFor(flow);
  if (!planned) return undefined;
  const request: OpsRequest = { ...flow.request, ...(planned.plan ? { plan: planned.plan } : {}) };
  if (planned.plan?.unchanged) return runUnchanged(flow, request);
  const expiresAt = request.createdAt + policy.ttlMinutes * 60_000;
  await deps.store.create(request, policy, 'pending', expiresAt);
  const view: RequestRecord = { request, policy, state: 'pending', expiresAt, approvers: [] };
  let card: { channel: string; ts: string };
  try {
    card = await postCard(flow, view);
  } catch (error) {
    flow.log.error({ err: (error as Error).message }, 'could not post the request card');
    await deps.store.transition(request.id, ['pending'], 'cancelled', 'none', {
      decided_by: 'opsbot',
    });
    await flow.tell(
      ':warning: opsbot could not post the request card in Slack; nothing was requested or run. Try again.',
    );
    return undefined;
  }
  flow.log.info({ approvals: policy.approvals }, 'request awaiting approval');
  metrics.requests.inc({ command: request.command, outcome: 'awaiting_approval' });
  created(flow, request, {
    approvals_needed: policy.approvals,
    approver_groups: policy.approverGroups,
    expires_at: new Date(expiresAt).toISOString(),
    source: submission.source ?? 'typed',
    ...(request.plan ? { plan: request.plan.summary } : {}),
  });
  if (submission.channel !== card.channel)
    await flow.notices.awaitingApprovalIn(submission, request.id, card.channel);
  return { ...request, card };
}

/** Break-glass: the run is queued at once under a loud EMERGENCY card that an approver acknowledges later. */
export async function runUnderBreakGlass(
  flow: Flow,
  reason: string,
): Promise<OpsRequest | undefined> {
  const { policy, deps, submission } = flow;
  const planned = await planFor(flow);
  if (!planned) return undefined;
  const request: OpsRequest = {
    ...flow.request,
    emergency: { reason },
    ...(planned.plan ? { plan: planned.plan } : {}),
  };
  const expiresAt = request.createdAt + policy.ttlMinutes * 60_000;
  await deps.store.create(request, policy, 'approved', expiresAt, Date.now() + deps.reminderMs);
  const card = await postCard(flow, {
    request,
    policy,
    state: 'approved',
    expiresAt,
    approvers: [],
  });
  const job = { ...request, card, threadTs: submission.threadTs ?? card.ts };
  await enqueueRun(deps.queue, job);
  flow.log.warn({ reason }, 'break-glass run queued without approval');
  metrics.requests.inc({ command: request.command, outcome: 'queued' });
  created(flow, request, { emergency: true, source: submission.source ?? 'typed' });
  deps.audit.append({
    action: 'breakglass.run',
    actor: request.requester,
    command: request.command,
    args: request.args,
    request_id: request.id,
    data: { reason, environment: request.environment },
  });
  return job;
}
