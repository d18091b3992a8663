import { describe, expect, it } from 'vitest';
import { createRegistry, intakeText } from '../../src/intake/validate.ts';
import { commands } from '../../src/registry/commands.ts';
import { exampleConfig } from '../helpers/harness.ts';

/** The example config is what newcomers copy: everything it wires must actually work. */
describe('opsbot.example.yml', () => {
  const file = exampleConfig();
  const registry = createRegistry(commands);

  it('every runbook button names a command that validates against the config', () => {
    const buttons = (file.alerts?.runbooks ?? []).flatMap((mapping) =>
      mapping.buttons.map((button) => ({ mapping: mapping.name, ...button })),
    );
    expect(buttons.length).toBeGreaterThan(0);
    for (const button of buttons) {
      // A guided runbook button asks for `runbook start <name>`.
      const line = button.command ?? `runbook start ${button.runbook}`;
      const intake = intakeText(line, registry, file.targets);
      expect(
        intake.kind,
        `${button.mapping} → "${button.label}" (${line}): ${JSON.stringify(intake)}`,
      ).toBe('valid');
    }
  });

  it('every policy override names a command opsbot has', () => {
    for (const name of Object.keys(file.policies)) {
      expect(registry.find(name), `policies.${name}`).toBeDefined();
    }
  });
});
