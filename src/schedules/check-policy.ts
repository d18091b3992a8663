import type { FileConfig } from '../config/file.ts';
import { type GroupResolver, groupList } from '../requests/groups.ts';
import { resolvePolicy } from '../requests/policy.ts';
import type { AnyCommand, RequestInfo } from '../sdk/command.ts';

/** Why a check may not run for this checklist request (a one-line reason), or undefined. */
export type CheckGate = (
  request: RequestInfo,
  command: AnyCommand,
  environment: string,
) => Promise<string | undefined>;

/**
 * A check is its command's read-only side, so its command's policy applies to it as to a typed
 * request: the checklist's requester (a person, or `schedule:<name>` through a group that lists
 * it) must be allowed to request the command from the checklist's channel. A check whose policy
 * wants an approval cannot run inside a checklist (config validation refuses it too).
 */
export function checkGate(file: Pick<FileConfig, 'policies'>, groups: GroupResolver): CheckGate {
  return async (request, command, environment) => {
    const policy = resolvePolicy(command, environment, file.policies);
    const name = command.name;
    if (policy.channels.length > 0 && !policy.channels.includes(request.channel))
      return `not run: ${name} may not be used from this channel (policy)`;
    if (policy.approvals > 0) return `not run: ${name} needs an approval in ${environment}`;
    if (
      policy.requesters.length > 0 &&
      !(await groups.isMember(request.requester, policy.requesters))
    )
      return `not run: only members of ${groupList(policy.requesters)} may request ${name}`;
    return undefined;
  };
}
