import { describe, expect, it } from 'vitest';
import { createRegistry, intakeText } from '../../src/intake/validate.ts';
import { commands } from '../../src/registry/commands.ts';
import { resolvePolicy } from '../../src/requests/policy.ts';
import { helpIndex } from '../../src/slack/blocks/help.ts';
import { exampleConfig } from '../helpers/harness.ts';

const file = exampleConfig();
const registry = createRegistry(commands);
const find = (name: string) => registry.find(name)!;

/** Each containment action and its Undo. */
const PAIRS = [
  [
    'block-ip',
    'unblock-ip',
    'block-ip 203.0.113.7 target=edge reason=abuse',
    'unblock-ip 203.0.113.7 target=edge',
  ],
  [
    'disable-access-key',
    'enable-access-key',
    'disable-access-key AKIAIOSFODNN7EXAMPLE reason=leak',
    'enable-access-key AKIAIOSFODNN7EXAMPLE',
  ],
  [
    'signout-user',
    'enable-user',
    'signout-user mallory pool=customers reason=abuse',
    'enable-user mallory pool=customers',
  ],
  [
    'suspend-duckling',
    'reactivate-duckling',
    'suspend-duckling dk_1 reason=abuse',
    'reactivate-duckling dk_1',
  ],
] as const;

describe('containment policy', () => {
  it.each(PAIRS)(
    '%s and its undo %s resolve to the same policy in the same environment',
    (action, inverse, actionText, inverseText) => {
      const a = intakeText(actionText, registry, file.targets);
      const b = intakeText(inverseText, registry, file.targets);
      expect(a.kind).toBe('valid');
      expect(b.kind).toBe('valid');
      const envA = a.kind === 'valid' ? a.environment : '';
      const envB = b.kind === 'valid' ? b.environment : '';
      expect(envA).toBe('prod');
      expect(envB).toBe(envA);
      const policy = resolvePolicy(find(action), envA, file.policies);
      expect(resolvePolicy(find(inverse), envB, file.policies)).toEqual(policy);
      expect(policy).toMatchObject({
        approvals: 1,
        approverGroups: ['security', 'oncall'],
        breakGlass: true,
        breakGlassGroups: ['break-glass'],
      });
    },
  );

  it('every named approver group exists in the example config', () => {
    for (const group of ['security', 'oncall', 'break-glass'])
      expect(file.groups[group]).toBeDefined();
  });

  it('tf-lock show needs no approval; release needs one in prod', () => {
    const show = intakeText('tf-lock show', registry, file.targets);
    const release = intakeText('tf-lock release abc reason=stale', registry, file.targets);
    expect(
      show.kind === 'valid' &&
        resolvePolicy(find('tf-lock'), show.environment, file.policies).approvals,
    ).toBe(0);
    expect(
      release.kind === 'valid' &&
        resolvePolicy(find('tf-lock'), release.environment, file.policies).approvals,
    ).toBe(1);
  });

  it('/ops help lists every containment command', () => {
    const text = JSON.stringify(helpIndex(registry.commands));
    for (const name of [
      'disable-access-key',
      'enable-access-key',
      'block-ip',
      'unblock-ip',
      'blocks',
      'signout-user',
      'enable-user',
      'tf-lock',
      'suspend-duckling',
      'reactivate-duckling',
    ])
      expect(text).toContain(name);
  });

  it('block-ip refuses every blocked range at intake, naming the rule', () => {
    const problems = (text: string) => {
      const intake = intakeText(text, registry, file.targets);
      return intake.kind === 'invalid'
        ? intake.problems.map((p) => `${p.field}: ${p.message}`).join('; ')
        : intake.kind;
    };
    expect(problems('block-ip 0.0.0.0/0 target=edge reason=x1x')).toMatch(/cidr: .*every address/);
    expect(problems('block-ip 10.0.0.5 target=edge reason=x1x')).toMatch(
      /cidr: .*private range 10\.0\.0\.0\/8/,
    );
    expect(problems('block-ip 198.51.100.9 target=edge reason=x1x')).toMatch(
      /cidr: .*never_block range 198\.51\.100\.0\/24/,
    );
    expect(problems('block-ip 203.0.113.7 target=nowhere reason=x1x')).toMatch(/target: /);
  });
});
