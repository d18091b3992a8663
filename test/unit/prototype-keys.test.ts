import { describe, expect, it } from 'vitest';
import {
  checkLambdaAlias,
  lambdaAliasEnvironment,
  lambdaTarget,
} from '../../commands/lib/lambda-targets.ts';
import { createRegistry, intakeText } from '../../src/intake/validate.ts';
import { commands } from '../../src/registry/commands.ts';
import { GroupResolver } from '../../src/requests/groups.ts';
import { resolvePolicy } from '../../src/requests/policy.ts';
import { exampleConfig } from '../helpers/harness.ts';

/**
 * Finding 5: a user-supplied name looked up with `in` or `[]` on a plain object finds
 * `Object.prototype`'s members: `alias=constructor` passed the alias check, the environment
 * became a function and the policy fell back to 0 approvals. Every name on Object.prototype is
 * tried against every lookup a typed name reaches.
 */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const file = exampleConfig();
const registry = createRegistry(commands);
const FUNCTION = Object.keys(file.targets.lambda)[0]!;

/** Each command line a typed target name reaches, with `NAME` where the name goes. */
const LINES = [
  `promote NAME 43`,
  `promote ${FUNCTION} 43 alias=NAME`,
  `rollback NAME`,
  `rollback ${FUNCTION} alias=NAME`,
  `restart NAME`,
  `health NAME`,
  `logs NAME`,
  `rotate-secret NAME`,
  `table-health NAME`,
  `NAME`,
  `promote NAME=1`,
];

describe('finding 5: prototype keys are never found in config', () => {
  it('names Object.prototype members the test tries', () => {
    expect(PROTOTYPE_NAMES).toEqual(
      expect.arrayContaining(['constructor', 'toString', '__proto__']),
    );
  });

  for (const name of PROTOTYPE_NAMES) {
    it(`finding 5: "${name}" is no target, alias, environment, group or source`, async () => {
      for (const template of LINES) {
        const text = template.replace('NAME', name);
        let intake: ReturnType<typeof intakeText> | undefined;
        expect(() => {
          intake = intakeText(text, registry, file.targets);
        }, text).not.toThrow();
        expect(intake!.kind, text).not.toBe('valid');
      }
      expect(checkLambdaAlias({ function: FUNCTION, alias: name }, file.targets)).toHaveLength(1);
      expect(() => checkLambdaAlias({ function: name, alias: 'prod' }, file.targets)).toThrow(
        /no lambda target/i,
      );
      expect(() => lambdaTarget(file.targets, name)).toThrow(/no lambda target/i);
      expect(lambdaAliasEnvironment({ function: FUNCTION, alias: name }, file.targets)).toBe(name);
      expect(lambdaAliasEnvironment({ function: name, alias: name }, file.targets)).toBe(name);
      for (const command of commands) {
        const policy = resolvePolicy(command, name, file.policies);
        expect(typeof policy.approvals, `${command.name} in ${name}`).toBe('number');
        expect(Array.isArray(policy.approverGroups)).toBe(true);
        expect(Array.isArray(policy.requesters)).toBe(true);
      }
      const groups = new GroupResolver(file.groups, async () => ['U0MALLORY']);
      await expect(groups.isMember('U0MALLORY', [name])).resolves.toBe(false);
    });
  }
});
