import type { FileConfig } from '../config/file.ts';
import { type Intake, intakeText, type Registry } from '../intake/validate.ts';
import { resolvePolicy } from '../requests/policy.ts';
import type { AnyCommand } from '../sdk/command.ts';
import { own } from '../util/own.ts';

/**
 * Checks `schedules:` and `checklists:` against the commands the bot knows: every command line
 * parses, names a command that declares itself read-only (a schedule or a check must change
 * nothing), a check's command has a `check()`, and the policy lets the schedule request its
 * command (so a refusal shows at start, not silently every morning). One sentence per problem.
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
    const refusal = policyRefusal(
      file,
      registry,
      name,
      intakeText(schedule.command, registry, file.targets),
    );
    if (refusal) problems.push(`${path} schedules.${name}: ${refusal}`);
  }
  for (const [group, config] of Object.entries(file.groups))
    for (const schedule of config.schedules ?? [])
      if (!Object.hasOwn(file.schedules, schedule))
        problems.push(
          `${path} groups.${group}.schedules: no schedule named "${schedule}" in schedules:`,
        );
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
      else if (
        intake.kind === 'valid' &&
        resolvePolicy(intake.command, intake.environment, file.policies).approvals > 0
      )
        problems.push(
          `${where}: the policy for \`${intake.command.name}\` in ${intake.environment} needs an approval, and a check runs without one; set its approvals to 0 or remove the check`,
        );
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

/**
 * Why the policies would refuse a schedule's requests, or undefined. A scheduled run is a request
 * by `schedule:<name>`: its command's policy (allowed channels, then requesters) must let it
 * through, and so must each check's command policy when it runs a checklist (applied at run time by
 * src/schedules/check-policy.ts). A schedule is a requester only through a group that lists it
 * under `schedules:`.
 */
function policyRefusal(
  file: FileConfig,
  registry: Registry,
  name: string,
  intake: Intake,
): string | undefined {
  const schedule = file.schedules[name];
  if (intake.kind !== 'valid' || !schedule) return undefined;
  const channel = schedule.channel ?? file.slack.ops_channel;
  const refusal = refusalOf(file, name, channel, intake.command, intake.environment);
  if (refusal || intake.command.name !== 'checklist') return refusal;
  const checklist = own(file.checklists, String(intake.args.name));
  for (const line of checklist?.checks ?? []) {
    const check = intakeText(line, registry, file.targets);
    if (check.kind !== 'valid') continue;
    const refused = refusalOf(file, name, channel, check.command, check.environment);
    if (refused) return `its check \`${line}\` would be ✗ at every run: ${refused}`;
  }
  return undefined;
}

function refusalOf(
  file: FileConfig,
  name: string,
  channel: string,
  command: AnyCommand,
  environment: string,
): string | undefined {
  const policy = resolvePolicy(command, environment, file.policies);
  const what = `the policy for \`${command.name}\` in ${environment}`;
  if (policy.channels.length > 0 && !policy.channels.includes(channel))
    return `${what} allows only channels ${policy.channels.join(', ')}, and this schedule posts in ${channel}; set its channel: to one of them or add ${channel} to policies.${command.name}.${environment}.channels`;
  if (policy.requesters.length === 0) return undefined;
  if (policy.requesters.some((group) => own(file.groups, group)?.schedules?.includes(name)))
    return undefined;
  return `${what} lets only members of ${policy.requesters.join(' or ')} request it, so every run of this schedule would be refused; add \`schedules: [${name}]\` to ${policy.requesters.map((g) => `groups.${g}`).join(' or ')} to let it request \`${command.name}\``;
}
