import type { FileConfig, PolicyOverrideConfig } from '../config/file.ts';
import type { AnyCommand } from '../sdk/command.ts';
import { BASE_POLICY, type Policy, type PolicyOverride } from '../sdk/policy.ts';

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
  const configured = policies[command.name] ?? {};
  return {
    ...BASE_POLICY,
    ...command.policy.default,
    ...(command.policy.environments?.[environment] ?? {}),
    ...fromFile(configured.default),
    ...fromFile(configured[environment]),
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
    ...Object.keys(policies[command.name] ?? {}),
  ]);
  return Object.fromEntries([...names].map((env) => [env, resolvePolicy(command, env, policies)]));
}
