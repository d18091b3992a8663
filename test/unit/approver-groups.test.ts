import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/env.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { ConfigError } from '../../src/config/load.ts';
import { commands } from '../../src/registry/commands.ts';
import { policiesByEnvironment, policyProblems } from '../../src/requests/policy.ts';
import { startOpsbot } from '../../src/roles/start.ts';
import { exampleConfig } from '../helpers/harness.ts';

/** Finding 4: an approval policy with no approver groups let anyone approve. */
function withPolicies(file: FileConfig, policies: FileConfig['policies']): FileConfig {
  return { ...file, policies: { ...file.policies, ...policies } };
}

describe('finding 4: approvals need approver groups', () => {
  it('finding 4: every policy that needs an approval names approver groups, in the example config', () => {
    const file = exampleConfig();
    for (const command of commands)
      for (const [environment, policy] of Object.entries(
        policiesByEnvironment(command, file.policies),
      ))
        if (policy.approvals > 0)
          expect(policy.approverGroups, `${command.name} in ${environment}`).not.toHaveLength(0);
    expect(policyProblems(commands, file)).toEqual([]);
  });

  it('finding 4: approvals > 0 without approver_groups is refused, naming the command and the environment', () => {
    const file = withPolicies(exampleConfig(), {
      'rotate-secret': { prod: { approvals: 1, approver_groups: [] } },
    });
    const problems = policyProblems(commands, file);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('command rotate-secret');
    expect(problems[0]).toContain('environment prod');
    expect(problems[0]).toContain('approver_groups');
  });

  it('finding 4: a built-in default names a group, and the start fails clearly when it is undefined', async () => {
    const example = exampleConfig();
    const { operators: _dropped, ...groups } = example.groups;
    const file = { ...example, groups, policies: {} };
    const problems = policyProblems(commands, file);
    expect(problems.some((p) => p.includes('group "operators" is not defined'))).toBe(true);
    expect(problems.some((p) => p.includes('command rotate-secret, environment prod'))).toBe(true);
    const env = envSchema.parse({
      SLACK_BOT_TOKEN: 'xoxb-1-2',
      SLACK_SIGNING_SECRET: 'abcdefghijk',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    const started = startOpsbot({ config: { env, file }, role: 'web' });
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(/group "operators" is not defined under groups:/);
  });
});
