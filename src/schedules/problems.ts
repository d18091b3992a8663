import type { FileConfig } from '../config/file.ts';
import { type Intake, intakeText, type Registry } from '../intake/validate.ts';

/**
 * Checks `schedules:` and `checklists:` against the commands the bot knows: every command line
 * parses, names a command that declares itself read-only (a schedule or a check must change
 * nothing), and a check's command has a `check()`. Returns one sentence per problem.
 */
export function scheduleProblems(file: FileConfig, registry: Registry, path: string): string[] {
  const problems: string[] = [];
  for (const [name, schedule] of Object.entries(file.schedules)) {
    const where = `${path} schedules.${name}.command`;
    const problem = lineProblem(
      intakeText(schedule.command, registry, file.targets),
      schedule.command,
    );
    if (problem) {
      problems.push(`${where}: ${problem}`);
      continue;
    }
    const checklist = checklistNamed(schedule.command);
    if (checklist !== undefined && !file.checklists[checklist])
      problems.push(`${where}: no checklist named "${checklist}" in checklists:`);
  }
  for (const [name, checklist] of Object.entries(file.checklists)) {
    checklist.checks.forEach((line, index) => {
      const where = `${path} checklists.${name}.checks.${index}`;
      const intake = intakeText(line, registry, file.targets);
      const problem = lineProblem(intake, line);
      if (problem) problems.push(`${where}: ${problem}`);
      else if (intake.kind === 'valid' && !intake.command.check)
        problems.push(`${where}: \`${intake.command.name}\` has no check() and cannot be a check`);
      else if (intake.kind === 'valid' && intake.command.name === 'checklist')
        problems.push(`${where}: a checklist cannot run another checklist`);
    });
  }
  return problems;
}

/** `checklist drop-daily` → `drop-daily`. */
export function checklistNamed(line: string): string | undefined {
  const match = /^\s*checklist\s+(\S+)/i.exec(line);
  return match?.[1];
}

function lineProblem(intake: Intake, line: string): string | undefined {
  switch (intake.kind) {
    case 'unknown':
      return `no command \`${intake.name}\`${intake.suggestions.length ? ` (did you mean ${intake.suggestions.join(', ')}?)` : ''}; is it built and registered?`;
    case 'help':
      return `"${line}" is not a command`;
    case 'syntax':
      return intake.message;
    case 'incomplete':
    case 'invalid': {
      const problems =
        intake.kind === 'invalid'
          ? intake.problems.map((p) => `${p.field}: ${p.message}`).join('; ')
          : 'arguments missing';
      return `\`${line}\` is not a valid ${intake.command.name} request (${problems})`;
    }
    case 'valid':
      if (!intake.command.readOnly)
        return `\`${intake.command.name}\` changes things (it is not read-only); only read-only commands may be scheduled or used as checks`;
      if (intake.flags.length > 0) return 'flags (--plan, --emergency) cannot be scheduled';
      return undefined;
  }
}
