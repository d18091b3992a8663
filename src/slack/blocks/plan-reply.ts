import { argsText } from '../../requests/request.ts';
import type { Plan } from '../../sdk/command.ts';
import type { Policy } from '../../sdk/policy.ts';
import { clip, escapeText } from './format.ts';
import { describePolicy } from './help.ts';
import { type MessageContent, mrkdwn } from './types.ts';

/** The ephemeral answer to `--plan`: what a run would do, and the policy it would need. */
export function planReply(
  command: string,
  args: Record<string, unknown>,
  environment: string,
  plan: Plan | undefined,
  policy: Policy,
): MessageContent {
  const what = plan
    ? `*Plan:* ${escapeText(plan.summary)}${plan.details?.length ? `\n${plan.details.map((d) => `• ${escapeText(d)}`).join('\n')}` : ''}`
    : `\`${escapeText(command)}\` has no plan preview; it would run its steps as they are.`;
  const text = [
    `:mag: *Plan only* for \`/ops ${escapeText(command)} ${escapeText(argsText(args))}\` in ${escapeText(environment)}. Nothing was queued.`,
    what,
    `*Policy:* ${escapeText(describePolicy(policy))}`,
  ].join('\n');
  return { text: clip(text, 3000), blocks: [{ type: 'section', text: mrkdwn(clip(text, 3000)) }] };
}

/** The ephemeral answer when a plan could not be made (nothing was posted or queued). */
export function planFailed(command: string, message: string): MessageContent {
  const text = `:warning: opsbot could not make a plan for \`${escapeText(command)}\`: ${escapeText(message)}. Nothing was requested or run.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(clip(text, 3000)) }] };
}
