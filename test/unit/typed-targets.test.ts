import { describe, expect, it } from 'vitest';
import { createRegistry, intakeText } from '../../src/intake/validate.ts';
import { commands } from '../../src/registry/commands.ts';
import { defineCommand, step, target, targetOf, z } from '../../src/sdk/index.ts';
import { exampleConfig } from '../helpers/harness.ts';

const targets = exampleConfig().targets;
const registry = createRegistry(commands);

function problems(text: string) {
  const intake = intakeText(text, registry, targets);
  return intake.kind === 'invalid' ? intake.problems : [];
}

describe('typed target arguments are checked by the SDK against the config', () => {
  it('an unknown name lists the known ones and suggests the closest', () => {
    expect(problems('restart autostack-backnd')).toEqual([
      {
        field: 'service',
        message:
          'no service named autostack-backnd (known: autostack-backend, drop); did you mean autostack-backend?',
      },
    ]);
    expect(problems('promote mission-control-apu 43')[0]!.message).toContain(
      'did you mean mission-control-api?',
    );
    expect(problems('health nothing-like-it')[0]!.message).toMatch(/^no endpoint named/);
    expect(problems('health nothing-like-it')[0]!.message).not.toContain('did you mean');
  });

  it('prototype keys are not targets (own keys only)', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(problems(`restart ${name}`)[0]?.field, name).toBe('service');
      expect(problems(`promote ${name} 43`)[0]?.field, name).toBe('function');
      expect(problems(`rotate-secret ${name}`)[0]?.field, name).toBe('secret');
    }
    expect(problems('promote mission-control-api 43 alias=__proto__')[0]).toMatchObject({
      field: 'alias',
    });
    expect(() => targetOf(targets, 'services', '__proto__')).toThrow('no services target named');
  });

  it('a command can type an argument with any section, including one it owns', () => {
    const restoreDb = defineCommand({
      name: 'restore-db',
      summary: 'x',
      args: z.object({ database: target('databases', 'Database (from config)') }),
      positional: ['database'],
      policy: { default: { approvals: 0 } },
      config: { targets: { databases: z.record(z.string(), z.object({})).default({}) } },
      run: [step('noop', 'Nothing', async () => ({}))],
    });
    const own = createRegistry([restoreDb]);
    const withDbs = { ...targets, databases: { 'orders-db': {} } };
    expect(intakeText('restore-db orders-db', own, withDbs).kind).toBe('valid');
    const intake = intakeText('restore-db order-db', own, withDbs);
    expect(intake.kind === 'invalid' && intake.problems[0]!.message).toBe(
      'no databases target named order-db (known: orders-db); did you mean orders-db?',
    );
  });
});
