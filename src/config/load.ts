import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { commands as discovered } from '../registry/commands.ts';
import type { AnyCommand } from '../sdk/command.ts';
import { type Env, envSchema } from './env.ts';
import { CORE_SECTIONS, type FileConfig, fileConfigSchemaWith } from './file.ts';
import { type CommandSections, commandSections } from './sections.ts';

export interface Config {
  env: Env;
  file: FileConfig;
}

/** Raised when configuration is missing or invalid. The message names every bad field, never a value. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `opsbot cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function describeIssues(where: string, issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${where}${path ? ` ${path}` : ''}: ${issue.message}`;
  });
}

function checkEnv(source: NodeJS.ProcessEnv): { env?: Env; problems: string[] } {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) return { problems: describeIssues('env', parsed.error.issues) };
  const env = parsed.data;
  const problems: string[] = [];
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push(
      'env SLACK_SIGNING_SECRET: required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  return { env, problems };
}

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
  return { file, problems: crossCheck(file, path, sections) };
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
