import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CORE_SECTIONS, type FileConfig, fileConfigSchemaWith } from '../config/file.ts';
import { type Config, ConfigError, checkEnv, describeIssues } from '../config/load.ts';
import { createRegistry } from '../intake/validate.ts';
import { scheduleProblems } from '../schedules/problems.ts';
import type { AnyCommand } from '../sdk/command.ts';
import { commands as discovered } from './commands.ts';
import { type CommandSections, commandSections } from './config-sections.ts';

/*
 * The config file read against this build's commands: the core schema plus each command's own
 * sections, then the checks that need the commands (schedules may name only read-only commands).
 * It sits here, above config, so src/config imports no domain code.
 */

const schemas = new WeakMap<
  AnyCommand[],
  { sections: CommandSections; schema: ReturnType<typeof fileConfigSchemaWith> }
>();

/** The file schema for these commands: the core sections and every section a command owns. */
function schemaFor(commands: AnyCommand[]) {
  let found = schemas.get(commands);
  if (!found) {
    const sections = commandSections(commands, CORE_SECTIONS);
    found = { sections, schema: fileConfigSchemaWith(sections) };
    schemas.set(commands, found);
  }
  return found;
}

/** Parses and validates the YAML file against the core schema and the commands' own sections. */
export function parseFileConfig(
  text: string,
  path: string,
  commands: AnyCommand[] = discovered,
): { file?: FileConfig; problems: string[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return { problems: [`${path}: not valid YAML (${(error as Error).message.split('\n')[0]})`] };
  }
  const { sections, schema } = schemaFor(commands);
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) return { problems: describeIssues(path, parsed.error.issues) };
  const file = parsed.data as FileConfig;
  return {
    file,
    problems: [
      ...crossCheck(file, path, sections),
      // Schedules and checks may name only read-only commands that exist, with valid arguments.
      ...scheduleProblems(file, createRegistry(commands), path),
    ],
  };
}

/** Checks that names used in one part of the file exist in another. */
function crossCheck(file: FileConfig, path: string, sections: CommandSections): string[] {
  const problems: string[] = [];
  const kinds = [...sections.recordKinds.keys()].sort();
  for (const [name, table] of Object.entries(file.targets.tables)) {
    if (table.holds !== undefined && !sections.recordKinds.has(table.holds))
      problems.push(
        `${path} targets.tables.${name}.holds: no command changes "${table.holds}" records (known: ${kinds.join(', ') || 'none'})`,
      );
  }
  const groups = new Set(Object.keys(file.groups));
  for (const [command, byEnvironment] of Object.entries(file.policies)) {
    for (const [environment, override] of Object.entries(byEnvironment)) {
      const named = [
        ...(override.requesters ?? []),
        ...(override.approver_groups ?? []),
        ...(override.break_glass_groups ?? []),
      ];
      for (const group of named) {
        if (!groups.has(group)) {
          problems.push(`${path} policies.${command}.${environment}: unknown group "${group}"`);
        }
      }
    }
  }
  for (const [name, secret] of Object.entries(file.targets.secrets)) {
    for (const consumer of secret.consumers.filter((c) => !Object.hasOwn(file.targets.services, c)))
      problems.push(
        `${path} targets.secrets.${name}.consumers: "${consumer}" is not a service in targets.services`,
      );
  }
  const oncall = file.alerts?.oncall_group;
  if (oncall !== undefined && !groups.has(oncall))
    problems.push(`${path} alerts.oncall_group: unknown group "${oncall}"`);
  return problems;
}

export function loadConfig(
  source: NodeJS.ProcessEnv = process.env,
  commands: AnyCommand[] = discovered,
): Config {
  const { env, problems } = checkEnv(source);
  // In production the example config is never a silent fallback (issue 16, finding 13).
  if (source.NODE_ENV === 'production' && !source.OPSBOT_CONFIG?.trim())
    problems.push(
      'env OPSBOT_CONFIG: required when NODE_ENV=production (the path of your config file)',
    );
  const path = env?.OPSBOT_CONFIG ?? source.OPSBOT_CONFIG ?? 'opsbot.example.yml';
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    problems.push(`env OPSBOT_CONFIG: cannot read the file ${path}`);
  }
  let file: FileConfig | undefined;
  if (text !== undefined) {
    const result = parseFileConfig(text, path, commands);
    file = result.file;
    problems.push(...result.problems);
  }
  if (problems.length > 0 || !env || !file) throw new ConfigError(problems);
  return { env, file };
}
