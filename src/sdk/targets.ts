import { z } from 'zod';
import type { FileConfig } from '../config/file.ts';
import type { AnyCommand } from './command.ts';
import { UserError } from './errors.ts';

/** Meta key that marks an argument as the name of a configured target (used for checks and selects). */
export const TARGET_META = 'opsbotTarget';

/** How a typed target argument is checked against `targets.<section>`. */
export interface TargetOptions {
  /** What one entry is called in messages: `Lambda target`, `service` (default: `<section> target`). */
  label?: string;
  /**
   * A value accepted besides a configured name (a raw log group name when the config allows it),
   * and how the list of known names says so (` or a log group name`).
   */
  other?: {
    accepts(value: string, targets: FileConfig['targets']): boolean;
    hint(targets: FileConfig['targets']): string;
  };
}

const checks = new WeakMap<z.ZodType, { section: string } & TargetOptions>();

/**
 * A string argument naming an entry of `targets.<section>` in the config file. The SDK checks the
 * name before the command sees it (with "did you mean"), so `validate()` and the steps may read
 * `targetOf(targets, section, name)` without checking again. Works for any section, including
 * the ones a command owns (`target('databases', …)`).
 */
export function target(section: string, description: string, options: TargetOptions = {}) {
  const schema = z
    .string()
    .min(1, `a ${options.label ?? `${section} target`} name`)
    .describe(description)
    .meta({ [TARGET_META]: section });
  checks.set(schema, { section, ...options });
  return schema;
}

/** A `targets.tables` entry (a DynamoDB table target). */
export const table = (description: string) => target('tables', description, { label: 'table' });
/** A `targets.lambda` entry. */
export const lambdaFunction = (description: string) =>
  target('lambda', description, { label: 'Lambda target' });
/** A `targets.services` entry (an ECS or App Runner service). */
export const service = (description: string) =>
  target('services', description, { label: 'service' });
/** A `targets.secrets` entry. */
export const secret = (description: string) =>
  target('secrets', description, { label: 'secret target' });
/** A `targets.endpoints` entry (URLs `health` checks). */
export const endpoint = (description: string) =>
  target('endpoints', description, { label: 'endpoint' });

/** @deprecated kept for commands written before typed targets: `target(kind, description)`. */
export const targetName = (kind: string, description: string) => target(kind, description);

/** The entries of a `targets` section (empty when the section is absent). */
export function sectionOf(
  targets: FileConfig['targets'],
  section: string,
): Record<string, unknown> {
  const value = Object.hasOwn(targets, section)
    ? (targets as Record<string, unknown>)[section]
    : undefined;
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/**
 * The configured entry `targets.<section>.<name>`: own keys only (never `__proto__` and friends),
 * a user error naming the section when it is missing.
 */
export function targetOf<T = unknown>(
  targets: FileConfig['targets'],
  section: string,
  name: string,
): T {
  const entries = sectionOf(targets, section);
  if (!Object.hasOwn(entries, name))
    throw new UserError('unknown_target', `no ${section} target named ${name} in config`);
  return entries[name] as T;
}

/** The check of a typed target argument, looking through optional/default wrappers. */
function checkOf(schema: unknown): ({ section: string } & TargetOptions) | undefined {
  let current = schema as { _zod?: { def?: { innerType?: unknown } } } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    const found = checks.get(current as z.ZodType);
    if (found) return found;
    current = current._zod?.def?.innerType as typeof current;
  }
  return undefined;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The configured name closest to a mistyped one, if any is close. */
export function didYouMean(value: string, names: string[]): string | undefined {
  const lower = value.toLowerCase();
  return names
    .map((name) => ({ name, d: distance(lower, name.toLowerCase()) }))
    .filter(({ d, name }) => d <= Math.max(2, Math.floor(name.length / 3)))
    .sort((x, y) => x.d - y.d || x.name.localeCompare(y.name))[0]?.name;
}

/** Problems with the typed target arguments of parsed args: names missing from the config. */
export function targetProblems(
  command: AnyCommand,
  args: Record<string, unknown>,
  targets: FileConfig['targets'],
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  for (const [field, schema] of Object.entries(command.args.shape as Record<string, unknown>)) {
    const check = checkOf(schema);
    const value = Object.hasOwn(args, field) ? args[field] : undefined;
    if (!check || typeof value !== 'string') continue;
    const entries = sectionOf(targets, check.section);
    if (Object.hasOwn(entries, value) || check.other?.accepts(value, targets)) continue;
    const names = Object.keys(entries);
    const known = names.join(', ') || 'none configured';
    const suggestion = didYouMean(value, names);
    const label = check.label ?? `${check.section} target`;
    problems.push({
      field,
      message: `no ${label} named ${value} (known: ${known}${check.other?.hint(targets) ?? ''})${suggestion ? `; did you mean ${suggestion}?` : ''}`,
    });
  }
  return problems;
}

/**
 * Everything the SDK checks about parsed args against the config: typed targets first, then the
 * command's own `validate()` (which runs only once every named target exists).
 */
export function argsProblems(
  command: AnyCommand,
  args: Record<string, unknown>,
  targets: FileConfig['targets'],
): { field: string; message: string }[] {
  const problems = targetProblems(command, args, targets);
  if (problems.length > 0) return problems;
  return command.validate?.(args, targets) ?? [];
}
