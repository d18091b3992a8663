import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GuidedRunbookProblems, loadGuidedRunbooks } from '../../src/guided/library.ts';
import { checkParams } from '../../src/guided/params.ts';
import { resolveTemplate } from '../../src/guided/template.ts';
import { createRegistry } from '../../src/intake/validate.ts';
import { commands } from '../../src/registry/commands.ts';
import { exampleConfig } from '../helpers/harness.ts';

const registry = createRegistry(commands);
const targets = exampleConfig().targets;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A folder holding one runbook file with these steps (and params). */
function folderWith(body: string, file = 'bad.yml') {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-runbooks-'));
  dirs.push(dir);
  writeFileSync(join(dir, file), body);
  return dir;
}

const header = 'name: t\ntitle: T\nsource: test.txt §1\n';

function problemsOf(body: string): string[] {
  try {
    loadGuidedRunbooks([folderWith(body)], registry, targets);
  } catch (error) {
    if (error instanceof GuidedRunbookProblems) return error.problems;
    throw error;
  }
  return [];
}

describe('the committed example runbooks', () => {
  const library = loadGuidedRunbooks(['runbooks'], registry, targets);

  it('all load and pass validation against the example config', () => {
    expect(library.list().map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'drop-jwt-rotation',
        'drop-db-password-rotation',
        'drop-emergency-rollback',
        'drop-production-deploy',
        'drop-oncall-handoff',
        'drop-maintenance-window',
        'api-database-unavailable',
        'api-migration-mismatch',
        'api-signing-failure',
        'api-suspected-tampering',
        'api-tenant-compromise',
        'autostack-github-oauth-rotation',
        'autostack-google-oauth-rotation',
        'autostack-terraform-state-locked',
        'mantissa-p1-triage',
        'mantissa-containment',
      ]),
    );
  });

  it('each names its source and has at least one automated step', () => {
    for (const runbook of library.list()) {
      expect(runbook.source, runbook.name).toMatch(/\.txt/);
      expect(
        runbook.steps.some((s) => s.kind !== 'manual'),
        runbook.name,
      ).toBe(true);
    }
  });
});

describe('the examples use the commands that exist', () => {
  const library = loadGuidedRunbooks(['runbooks'], registry, targets);
  const named = (name: string) => library.list().find((r) => r.name === name)!;
  const automated = (name: string) =>
    named(name)
      .steps.filter((s) => s.kind !== 'manual')
      .map((s) => `${s.kind}: ${s.text}`);

  it('steps that name an action opsbot now does are command steps', () => {
    expect(automated('autostack-terraform-state-locked')).toEqual([
      'command: tf-lock show table=autostack',
      'command: tf-lock release {{params.lock_id}} table=autostack reason="stuck state lock; no Terraform run holds it"',
      'command: note AutoStack Terraform state lock {{params.lock_id}} released',
    ]);
    expect(automated('drop-db-password-rotation')).toEqual([
      'command: rds-snapshot drop-db reason={{params.reason}}',
      'command: rotate-db-password drop-db',
      'check: health drop',
      'command: note Drop database password rotated: {{params.reason}}',
    ]);
    expect(automated('drop-production-deploy')).toEqual([
      'command: deploy drop image={{params.version}} safe=true',
      'check: health drop',
      'command: note Drop deployed to production: {{params.version}}',
    ]);
    expect(automated('drop-emergency-rollback')).toEqual([
      'command: rollback drop',
      'check: health drop',
      'command: note Drop rolled back to the previous image: {{params.reason}}',
    ]);
    expect(automated('drop-oncall-handoff')).toEqual([
      'check: health drop',
      'command: handoff since=12h',
      'command: note Drop on-call handed over to {{params.incoming}}',
    ]);
    expect(automated('drop-maintenance-window')).toEqual([
      'check: health drop',
      'command: maintenance start drop duration={{params.duration}} reason={{params.reason}}',
      'check: health drop',
      'command: maintenance end drop',
      'command: note Drop maintenance done: {{params.reason}}',
    ]);
    expect(automated('mantissa-containment')).toEqual([
      'command: disable-access-key {{params.access_key_id}} deny_all=true reason={{params.reason}}',
      'command: block-ip {{params.ip}} target=vpc reason={{params.reason}}',
      'command: signout-user {{params.username}} pool=customers reason={{params.reason}}',
      'command: note Mantissa containment done: key {{params.access_key_id}}, address {{params.ip}}, user {{params.username}}',
    ]);
  });

  it('no manual step still waits for a command to be installed', () => {
    for (const runbook of library.list())
      for (const step of runbook.steps.filter((s) => s.kind === 'manual'))
        expect(step.text, `${runbook.name}: ${step.text}`).not.toMatch(
          /where installed|once .* exists|aws rds create-db-snapshot|force-unlock|admin-user-global-sign-out/,
        );
  });

  it('the containment parameters fit the commands’ own schemas, and only there', () => {
    const runbook = named('mantissa-containment');
    const given = {
      access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      ip: '203.0.113.7',
      username: 'mallory',
      reason: 'alert-20240115-001 --emergency',
    };
    const checked = checkParams(library, runbook, given, targets);
    expect(checked).toEqual({ values: given });
    const block = resolveTemplate(library.template(runbook, 1), given, targets);
    expect(block).toMatchObject({
      kind: 'valid',
      args: { cidr: '203.0.113.7', target: 'vpc', reason: 'alert-20240115-001 --emergency' },
      flags: [],
    });
    expect(
      checkParams(library, runbook, { ...given, access_key_id: 'AKIA-not-a-key' }, targets),
    ).toMatchObject({ problems: [expect.stringMatching(/access_key_id/)] });
  });

  it('the maintenance window takes 30m by default and a duration the command accepts', () => {
    const runbook = named('drop-maintenance-window');
    expect(checkParams(library, runbook, { reason: 'db upgrade' }, targets)).toEqual({
      values: { duration: '30m', reason: 'db upgrade' },
    });
    const start = resolveTemplate(
      library.template(runbook, 3),
      { duration: '2h', reason: 'db upgrade' },
      targets,
    );
    expect(start).toMatchObject({
      kind: 'valid',
      args: { action: 'start', service: 'drop', duration: '2h', reason: 'db upgrade' },
    });
    // Past the command's 24 h, refused at start, naming the maintenance step.
    expect(
      checkParams(library, runbook, { duration: '25h', reason: 'db upgrade' }, targets),
    ).toMatchObject({
      problems: [expect.stringMatching(/step 4 \(command: "maintenance start drop.*duration.*24h/)],
    });
  });
});

describe('validation at start names the file, the step and the reason', () => {
  it('refuses a step of an unknown kind', () => {
    const [problem] = problemsOf(`${header}steps:\n  - shell: "rm -rf /"\n`);
    expect(problem).toMatch(
      /bad\.yml: step 1: a step is one of `manual: "…"`, `command: "…"` or `check: "…"`/,
    );
  });

  it('refuses an unknown command', () => {
    const problems = problemsOf(
      `${header}steps:\n  - manual: "look"\n  - command: "lock-nosuch release"\n`,
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /bad\.yml: step 2 \(command: "lock-nosuch release"\): unknown command `lock-nosuch`/,
      ),
    ]);
  });

  it('refuses arguments the command’s own schema refuses', () => {
    const problems = problemsOf(`${header}steps:\n  - command: "restart no-such-service"\n`);
    expect(problems).toEqual([
      expect.stringMatching(
        /bad\.yml: step 1 \(command: "restart no-such-service"\): service: .*no-such-service/,
      ),
    ]);
  });

  it('refuses an argument the command does not have, and flags', () => {
    const problems = problemsOf(
      `${header}steps:\n  - command: "health drop color=red"\n  - command: "health drop --emergency"\n`,
    );
    expect(problems[0]).toMatch(/step 1 .*color: unknown argument/);
    expect(problems[1]).toMatch(/step 2 .*cannot use flags \(--emergency\)/);
  });

  it('refuses a check on a command that changes things, and an undeclared parameter', () => {
    const problems = problemsOf(
      `${header}steps:\n  - check: "restart drop"\n  - command: "note {{params.why}}"\n`,
    );
    expect(problems[0]).toMatch(
      /step 1 \(check: "restart drop"\): `restart` is not a read-only command/,
    );
    expect(problems[1]).toMatch(/step 2 .*\{\{params\.why\}\}, which `params:` does not declare/);
  });

  it('refuses a bad duration and a duplicate name', () => {
    expect(problemsOf(`${header}steps:\n  - manual: "watch"\n    wait: 10 minutes\n`)[0]).toMatch(
      /step 1 \(wait\): a duration such as 30s/,
    );
    const dir = folderWith(`${header}steps:\n  - manual: "a"\n`, 'a.yml');
    writeFileSync(join(dir, 'b.yml'), `${header}steps:\n  - manual: "b"\n`);
    expect(() => loadGuidedRunbooks([dir], registry, targets)).toThrow(
      /b\.yml: name t is already used by .*a\.yml/,
    );
  });
});

describe('parameters', () => {
  const dir = folderWith(
    `${header}params:\n  reason: { required: true }\n  service: {}\nsteps:\n  - command: "note rotated: {{params.reason}}"\n  - command: "restart {{params.service}}"\n`,
    't.yml',
  );
  const library = loadGuidedRunbooks([dir], registry, targets);
  const runbook = library.find('t')!;

  it('go only where they stand: injected flags, key=value and quotes stay text in a note', () => {
    for (const reason of [
      'x --emergency',
      'x reason=y approvals=0',
      'say "hi" \'there\'',
      '--plan',
    ]) {
      const checked = checkParams(library, runbook, { reason, service: 'drop' }, targets);
      expect(checked).toEqual({ values: { reason, service: 'drop' } });
      const intake = resolveTemplate(library.template(runbook, 0), { reason }, targets);
      expect(intake.kind).toBe('valid');
      if (intake.kind !== 'valid') return;
      expect(intake.args).toEqual({ text: `rotated: ${reason}` });
      expect(intake.flags).toEqual([]);
    }
  });

  it('are refused when the command’s schema refuses them (a target name with a flag in it)', () => {
    const checked = checkParams(
      library,
      runbook,
      { reason: 'r', service: 'drop --emergency' },
      targets,
    );
    expect(checked).toEqual({
      problems: [
        expect.stringMatching(
          /t\.yml: step 2 \(command: "restart \{\{params\.service\}\}"\): service: /,
        ),
      ],
    });
    const keyValue = checkParams(
      library,
      runbook,
      { reason: 'r', service: 'approvals=0' },
      targets,
    );
    expect('problems' in keyValue).toBe(true);
  });

  it('must be declared, given when required, and hold no line break', () => {
    expect(checkParams(library, runbook, { service: 'drop' }, targets)).toEqual({
      problems: [expect.stringMatching(/`reason` is required/)],
    });
    expect(checkParams(library, runbook, { reason: 'a', other: 'b' }, targets)).toEqual({
      problems: [expect.stringMatching(/`other` is not a parameter of t/)],
    });
    expect(checkParams(library, runbook, { reason: 'a\nb' }, targets)).toEqual({
      problems: [expect.stringMatching(/line break/)],
    });
  });
});
