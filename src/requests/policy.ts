import type { FileConfig, PolicyOverrideConfig } from '../config/file.ts';
import type { AnyCommand } from '../sdk/command.ts';
import { BASE_POLICY, type Policy, type PolicyOverride } from '../sdk/policy.ts';
import { own } from '../util/own.ts';

function fromFile(o: PolicyOverrideConfig | undefined): PolicyOverride {
  if (!o) return {};
  const out: PolicyOverride = {};
  if (o.requesters) out.requesters = o.requesters;
  if (o.channels) out.channels = o.channels;
  if (o.approvals !== undefined) out.approvals = o.approvals;
  if (o.approver_groups) out.approverGroups = o.approver_groups;
  if (o.ttl_minutes !== undefined) out.ttlMinutes = o.ttl_minutes;
  if (o.break_glass !== undefined) out.breakGlass = o.break_glass;
  if (o.break_glass_groups) out.breakGlassGroups = o.break_glass_groups;
  return out;
}

/**
 * The policy in force for a command in an environment. Later layers win:
 * base → command default → command's environment → config `default` → config environment.
 */
export function resolvePolicy(
  command: AnyCommand,
  environment: string,
  policies: FileConfig['policies'],
): Policy {
  const configured = own(policies, command.name) ?? {};
  return {
    ...BASE_POLICY,
    ...command.policy.default,
    ...(own(command.policy.environments, environment) ?? {}),
    ...fromFile(configured.default),
    ...fromFile(own(configured, environment)),
  };
}

/** Every environment a command's policy names, for help text. */
export function policiesByEnvironment(
  command: AnyCommand,
  policies: FileConfig['policies'],
): Record<string, Policy> {
  const names = new Set([
    'default',
    ...Object.keys(command.policy.environments ?? {}),
    ...Object.keys(own(policies, command.name) ?? {}),
  ]);
  return Object.fromEntries([...names].map((env) => [env, resolvePolicy(command, env, policies)]));
}

/**
 * Problems that stop the bot from starting (finding 4 of issue 16): a policy that needs an
 * approval must say from which groups, or any workspace member could approve; and every group a
 * policy names, built-in or configured, must be defined under `groups:`, so no default fails open.
 */
export function policyProblems(commands: readonly AnyCommand[], file: FileConfig): string[] {
  const problems: string[] = [];
  const defined = new Set(Object.keys(file.groups));
  for (const command of commands) {
    for (const [environment, policy] of Object.entries(
      policiesByEnvironment(command, file.policies),
    )) {
      const where = `policies.${command.name}.${environment} (command ${command.name}, environment ${environment})`;
      if (policy.approvals > 0 && policy.approverGroups.length === 0)
        problems.push(
          `${where}: approvals ${policy.approvals} needs approver_groups; without it anyone could approve`,
        );
      const named = [...policy.requesters, ...policy.approverGroups, ...policy.breakGlassGroups];
      for (const group of new Set(named))
        if (!defined.has(group))
          problems.push(`${where}: group "${group}" is not defined under groups:`);
    }
  }
  return [...new Set(problems)];
}
