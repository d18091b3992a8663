import type { Policy } from '../sdk/policy.ts';
import { type GroupResolver, groupList } from './groups.ts';

/** Who asked for what, where: the part of a submission the policy looks at. */
export interface Asker {
  command: string;
  channel: string;
  requester: string;
  environment: string;
}

/** Why `submission` may not be requested under `policy` (an ephemeral sentence), or undefined. */
export async function requestRefusal(
  submission: Asker,
  policy: Policy,
  groups: GroupResolver,
): Promise<string | undefined> {
  const { command, channel, requester, environment } = submission;
  if (policy.channels.length > 0 && !policy.channels.includes(channel)) {
    const where = policy.channels.map((c) => `<#${c}>`).join(', ');
    return `:no_entry: \`${command}\` may only be used from ${where}. Nothing was run.`;
  }
  if (policy.requesters.length > 0 && !(await groups.isMember(requester, policy.requesters))) {
    return `:no_entry: Only members of ${groupList(policy.requesters)} may request \`${command}\` in ${environment}. Nothing was run.`;
  }
  return undefined;
}

/** Why break-glass is refused for this submission, or undefined when it may run at once. */
export async function breakGlassRefusal(
  submission: Asker,
  policy: Policy,
  reason: string,
  groups: GroupResolver,
): Promise<string | undefined> {
  const { command, environment, requester } = submission;
  if (!policy.breakGlass)
    return `:no_entry: Break-glass (\`--emergency\`) is not allowed for \`${command}\` in ${environment}. Make a normal request. Nothing was run.`;
  if (reason.trim() === '')
    return ':warning: `--emergency` needs a reason: `--emergency reason="…"`. Nothing was run.';
  if (policy.breakGlassGroups.length === 0)
    return `:no_entry: No break-glass group is configured for \`${command}\` in ${environment}. Nothing was run.`;
  if (!(await groups.isMember(requester, policy.breakGlassGroups)))
    return `:no_entry: Only members of ${groupList(policy.breakGlassGroups)} may use break-glass for \`${command}\`. Nothing was run.`;
  return undefined;
}
