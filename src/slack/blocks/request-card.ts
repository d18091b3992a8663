import type { RequestState } from '../../requests/request.ts';
import { argsText } from '../../requests/request.ts';
import type { RequestCardView } from '../../requests/request-notices.ts';
import type { Plan } from '../../sdk/command.ts';
import type { Policy } from '../../sdk/policy.ts';
import { ACTION } from '../ids.ts';
import { clip, escapeText, user } from './format.ts';
import { type Block, type ButtonElement, type MessageContent, mrkdwn, plain } from './types.ts';

const HEADLINE: Record<RequestState, string> = {
  pending: '🔐 Approval needed',
  approved: '👍 Approved',
  denied: '⛔ Denied',
  cancelled: '🚫 Cancelled',
  expired: '⌛ Expired',
  running: '▶️ Running',
  done: '✅ Done',
  failed: '❌ Failed',
};

const people = (ids: string[]) => ids.map(user).join(', ');

function slackDate(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;
}

function stateLine(view: RequestCardView): string {
  const approvedBy = view.approvers.length ? ` by ${people(view.approvers)}` : '';
  switch (view.state) {
    case 'pending':
      return `*Status:* pending — ${view.approvers.length} of ${view.policy.approvals} approvals${approvedBy}. Expires ${slackDate(view.expiresAt)}.`;
    case 'approved':
      return view.request.emergency
        ? '*Status:* run at once under break-glass, without approval.'
        : `*Status:* approved${approvedBy}; the run is queued.`;
    case 'denied':
      return `*Status:* denied by ${user(view.decidedBy ?? 'someone')}${view.reason ? `: “${escapeText(view.reason)}”` : ''}. Nothing was run.`;
    case 'cancelled':
      return `*Status:* cancelled by ${user(view.decidedBy ?? 'someone')}. Nothing was run.`;
    case 'expired':
      return `*Status:* expired at ${slackDate(view.expiresAt)} without enough approvals. Nothing was run; make a new request.`;
    case 'running':
      return `*Status:* running${approvedBy ? ` (approved${approvedBy})` : ''}; progress in the thread.`;
    case 'done':
      return `*Status:* done${approvedBy ? ` (approved${approvedBy})` : ''}; the result is in the thread.`;
    case 'failed':
      return `*Status:* failed: ${escapeText(view.error ?? 'see the thread')}`;
  }
}

function policyLine(policy: Policy): string {
  if (policy.approvals === 0) return '*Policy:* no approval needed';
  const from = policy.approverGroups.length
    ? `from ${policy.approverGroups.map((g) => `\`${escapeText(g)}\``).join(' or ')}`
    : 'from anyone';
  return `*Policy:* ${policy.approvals} distinct approval${policy.approvals > 1 ? 's' : ''} ${from}, never the requester; open ${policy.ttlMinutes} min`;
}

function button(
  action: string,
  label: string,
  id: string,
  style?: ButtonElement['style'],
): ButtonElement {
  return {
    type: 'button',
    action_id: action,
    text: plain(label),
    value: id,
    ...(style ? { style } : {}),
  };
}

function emergencyBlocks(view: RequestCardView): Block[] {
  const reason = view.request.emergency?.reason ?? '';
  const ack = view.acknowledgedBy
    ? `Acknowledged by ${user(view.acknowledgedBy)}.`
    : `*Not acknowledged yet:* an approver${view.policy.approverGroups.length ? ` from ${view.policy.approverGroups.map((g) => `\`${escapeText(g)}\``).join(' or ')}` : ''} must acknowledge this run.`;
  return [
    {
      type: 'section',
      text: mrkdwn(
        clip(
          `:rotating_light: *EMERGENCY RUN (break-glass), no approval was asked.*\n*Reason:* ${escapeText(reason)}\n${ack}`,
          3000,
        ),
      ),
    },
  ];
}

function planBlocks(plan: Plan | undefined): Block[] {
  if (!plan) return [];
  const details = plan.details?.length
    ? `\n${plan.details.map((d) => `• ${escapeText(d)}`).join('\n')}`
    : '';
  return [
    { type: 'section', text: mrkdwn(clip(`*Plan:* ${escapeText(plan.summary)}${details}`, 3000)) },
  ];
}

/** The request card: posted once, then updated in place through every state. */
export function requestCard(view: RequestCardView): MessageContent {
  const { request } = view;
  const emergency = Boolean(request.emergency);
  const headline = `${emergency ? '🚨 EMERGENCY · ' : ''}${HEADLINE[view.state]}: ${request.command}`;
  const blocks: Block[] = [
    { type: 'header', text: plain(clip(headline, 150)) },
    ...(emergency ? emergencyBlocks(view) : []),
    {
      type: 'section',
      text: mrkdwn(
        clip(`\`/ops ${escapeText(request.command)} ${escapeText(argsText(request.args))}\``, 3000),
      ),
      fields: [
        mrkdwn(`*Requested by*\n${user(request.requester)}`),
        mrkdwn(`*Environment*\n${escapeText(request.environment)}`),
      ],
    },
    ...planBlocks(request.plan),
    { type: 'section', text: mrkdwn(clip(`${policyLine(view.policy)}\n${stateLine(view)}`, 3000)) },
  ];
  const buttons: ButtonElement[] = [];
  if (view.state === 'pending') {
    buttons.push(
      button(ACTION.approve, 'Approve', request.id, 'primary'),
      button(ACTION.deny, 'Deny', request.id, 'danger'),
      button(ACTION.cancel, 'Cancel', request.id),
    );
  }
  if (emergency && !view.acknowledgedBy)
    buttons.push(
      button(ACTION.acknowledgeEmergency, 'Acknowledge emergency run', request.id, 'primary'),
    );
  if (buttons.length)
    blocks.push({ type: 'actions', block_id: 'request_actions', elements: buttons });
  blocks.push({ type: 'context', elements: [mrkdwn(`request ${request.id}`)] });
  const status =
    view.state === 'pending'
      ? ` (${view.approvers.length} of ${view.policy.approvals} approvals)`
      : '';
  return { text: `${headline}${status}`, blocks };
}

/** The reminder posted while nobody has acknowledged an emergency run. */
export function emergencyReminder(view: RequestCardView, permalink?: string): MessageContent {
  const where = permalink ? ` (<${permalink}|the card>)` : '';
  const groups = view.policy.approverGroups.map((g) => `\`${escapeText(g)}\``).join(' or ');
  const text = `:rotating_light: Reminder: the emergency run of \`${escapeText(view.request.command)}\` by ${user(view.request.requester)} (${view.request.id}) is not acknowledged yet${where}. An approver${groups ? ` from ${groups}` : ''} must press *Acknowledge emergency run* on its card.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(clip(text, 3000)) }] };
}
