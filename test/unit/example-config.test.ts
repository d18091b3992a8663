import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fillTemplate } from '../../src/incidents/templates.ts';
import { createRegistry, intakeText, validateArgs } from '../../src/intake/validate.ts';
import { commands } from '../../src/registry/commands.ts';
import { parseFileConfig } from '../../src/registry/load-config.ts';
import { scheduleProblems } from '../../src/schedules/problems.ts';
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
    // Templated buttons are checked filled with the values a matching alert would carry.
    const alert = {
      source: 'alertmanager',
      key: 'k',
      status: 'firing' as const,
      severity: 'high' as const,
      title: 'suspicious-login',
      labels: { user: 'mallory', source_ip: '203.0.113.7' },
    };
    for (const button of buttons) {
      // A guided runbook button asks for `runbook start <name>`.
      if (button.runbook !== undefined) {
        const intake = intakeText(`runbook start ${button.runbook}`, registry, file.targets);
        expect(
          intake.kind,
          `${button.mapping} → "${button.label}": ${JSON.stringify(intake)}`,
        ).toBe('valid');
        continue;
      }
      const filled = fillTemplate(button.command ?? '', alert);
      expect(filled.ok, `${button.mapping} → "${button.label}": ${JSON.stringify(filled)}`).toBe(
        true,
      );
      const line = filled.ok ? filled.line : undefined;
      const command = registry.find(line!.command);
      expect(command, `${button.mapping} → "${button.label}" names no command`).toBeDefined();
      const intake = (button.command ?? '').includes('{{')
        ? validateArgs(command!, line!, file.targets)
        : intakeText(button.command ?? '', registry, file.targets);
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

  it('wires the Drop daily and Mantissa morning checklists, and every schedule and check validates', () => {
    const { file: full } = parseFileConfig(readFileSync('opsbot.example.yml', 'utf8'), 'x');
    expect(Object.keys(full!.checklists)).toEqual(
      expect.arrayContaining(['drop-daily', 'mantissa-morning']),
    );
    expect(full!.schedules['drop-daily']).toMatchObject({
      cron: '0 8 * * *',
      timezone: 'Europe/Oslo',
      command: 'checklist drop-daily',
    });
    // Drop runbook 3.1 and 3.2: every daily and weekly check an opsbot command can do.
    expect(full!.checklists['drop-daily']!.checks).toEqual([
      'health drop',
      'incidents severity=critical',
      'service-status drop',
      'rds-snapshot-age drop-db max=24h',
    ]);
    expect(full!.checklists['drop-weekly']!.checks).toEqual([
      'rds-status drop-db',
      'log-errors drop-web since=7d max=50',
    ]);
    expect(full!.schedules['drop-weekly']).toMatchObject({ command: 'checklist drop-weekly' });
    expect(scheduleProblems(full!, registry, 'opsbot.example.yml')).toEqual([]);
  });
});
