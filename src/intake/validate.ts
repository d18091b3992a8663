import type { FileConfig } from '../config/file.ts';
import type { AnyCommand } from '../sdk/command.ts';
import { argsProblems } from '../sdk/targets.ts';
import { closest } from './suggest.ts';
import { type CommandLine, SyntaxProblem, tokenize } from './tokenize.ts';

export interface FieldProblem {
  field: string;
  message: string;
}

/** Flags every command understands. */
export const FLAGS = ['plan', 'emergency'] as const;
export type Flag = (typeof FLAGS)[number];

export type Intake =
  | { kind: 'help'; topic?: string }
  | { kind: 'unknown'; name: string; suggestions: string[] }
  | { kind: 'syntax'; message: string }
  | { kind: 'incomplete'; command: AnyCommand; given: Record<string, string> }
  | { kind: 'invalid'; command: AnyCommand; problems: FieldProblem[] }
  | {
      kind: 'valid';
      command: AnyCommand;
      args: Record<string, unknown>;
      flags: Flag[];
      environment: string;
    };

export interface Registry {
  commands: AnyCommand[];
  find(name: string): AnyCommand | undefined;
}

export function createRegistry(commands: AnyCommand[]): Registry {
  const byName = new Map(commands.map((command) => [command.name, command]));
  return { commands, find: (name) => byName.get(name) };
}

/** Turns the text after `/ops` into a validated request, or says exactly what is wrong. Pure. */
export function intakeText(
  text: string,
  registry: Registry,
  targets: FileConfig['targets'],
): Intake {
  const freeText = freeTextIntake(text, registry, targets);
  if (freeText) return freeText;
  let line: CommandLine;
  try {
    line = tokenize(text);
  } catch (error) {
    if (error instanceof SyntaxProblem) return { kind: 'syntax', message: error.message };
    throw error;
  }
  if (line.command === '' || line.command === 'help') {
    return { kind: 'help', topic: line.positional[0]?.toLowerCase() };
  }
  const command = registry.find(line.command);
  if (!command) {
    const names = registry.commands.map((c) => c.name);
    return { kind: 'unknown', name: line.command, suggestions: closest(line.command, names) };
  }
  const badFlags = line.flags.filter((flag) => !(FLAGS as readonly string[]).includes(flag));
  if (badFlags.length > 0) {
    return {
      kind: 'invalid',
      command,
      problems: badFlags.map((flag) => ({
        field: `--${flag}`,
        message: `unknown flag (known: ${FLAGS.map((f) => `--${f}`).join(', ')})`,
      })),
    };
  }
  return validateArgs(command, line, targets);
}

/** A command whose `rest` argument takes the line as typed: no tokenizing, so any text is fine. */
function freeTextIntake(
  text: string,
  registry: Registry,
  targets: FileConfig['targets'],
): Intake | undefined {
  const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(text);
  const command = match ? registry.find(match[1]!.toLowerCase()) : undefined;
  if (!command?.rest) return undefined;
  const rest = match![2]!.trim();
  const named = rest ? { [command.rest]: rest } : {};
  return validateArgs(command, { positional: [], named, flags: [] }, targets);
}

export function validateArgs(
  command: AnyCommand,
  line: Pick<CommandLine, 'positional' | 'named' | 'flags'>,
  targets: FileConfig['targets'],
): Intake {
  const problems: FieldProblem[] = [];
  const shape = command.args.shape as Record<string, unknown>;
  const positional = command.positional ?? [];
  const given: Record<string, string> = {};
  line.positional.forEach((value, index) => {
    const name = positional[index] ?? (command.variadic ? positional.at(-1) : undefined);
    if (name !== undefined && name in given) given[name] = `${given[name]} ${value}`;
    else if (name === undefined) {
      problems.push({
        field: value,
        message: `unexpected extra argument (${command.name} takes ${positional.length} positional)`,
      });
    } else given[name] = value;
  });
  for (const [key, value] of Object.entries(line.named)) {
    if (!(key in shape)) {
      if (key === 'reason' && line.flags.includes('emergency')) continue;
      problems.push({
        field: key,
        message: `unknown argument (known: ${Object.keys(shape).join(', ')})`,
      });
    } else if (key in given) {
      problems.push({ field: key, message: 'given twice, once by position and once as key=value' });
    } else given[key] = value;
  }
  if (problems.length > 0) return { kind: 'invalid', command, problems };
  if (
    Object.keys(given).length === 0 &&
    requiredNames(command).length > 0 &&
    line.flags.length === 0
  ) {
    return { kind: 'incomplete', command, given };
  }
  const parsed = command.args.safeParse(given);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.map(String).join('.') || '(arguments)';
      const value = given[field];
      const message =
        value === undefined && issue.code === 'invalid_type' ? 'required' : issue.message;
      problems.push({
        field,
        message: value === undefined ? message : `${message} (got "${clip(value)}")`,
      });
    }
    return { kind: 'invalid', command, problems };
  }
  const args = parsed.data as Record<string, unknown>;
  problems.push(...argsProblems(command, args, targets));
  if (problems.length > 0) return { kind: 'invalid', command, problems };
  const flags = line.flags as Flag[];
  const environment = command.environment?.(args, targets) ?? 'default';
  return { kind: 'valid', command, args, flags, environment };
}

export function requiredNames(command: AnyCommand): string[] {
  return Object.entries(
    command.args.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>,
  )
    .filter(([, schema]) => !schema.safeParse(undefined).success)
    .map(([name]) => name);
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
