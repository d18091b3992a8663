import type { FileConfig } from '../config/file.ts';
import { SyntaxProblem, tokenize } from '../intake/tokenize.ts';
import {
  type FieldProblem,
  type Intake,
  type Registry,
  requiredNames,
  validateArgs,
} from '../intake/validate.ts';
import type { AnyCommand } from '../sdk/command.ts';

/**
 * A command line in a guided runbook (`rotate-secret jwt-secret`, `note rotated: {{params.reason}}`),
 * split into words once, when the file is read. Parameters are filled in word by word afterwards and
 * the line is never split again, so a parameter value can only ever be the value it stands in: it
 * cannot add a flag (`--emergency`), another argument (`key=value`) or close a quote.
 */
export interface CommandTemplate {
  command: AnyCommand;
  /** The words after the command name; for a command with a free-text argument, one text. */
  positional: string[];
  named: Record<string, string>;
  /** The parameters the line uses. */
  params: string[];
}

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;
const PARAM_REF = /^params\.([a-z][a-z0-9_]{0,30})$/;

export class TemplateProblem extends Error {}

/** Reads a step's command line; throws a TemplateProblem saying what is wrong. */
export function parseTemplate(text: string, registry: Registry): CommandTemplate {
  const params = new Set<string>();
  const normalised = text.replace(PLACEHOLDER, (_all, inner: string) => {
    const ref = PARAM_REF.exec(inner);
    if (!ref)
      throw new TemplateProblem(`\`{{${inner}}}\` is not a parameter (write {{params.name}})`);
    params.add(ref[1]!);
    return `{{params.${ref[1]}}}`;
  });
  if (/\{\{|\}\}/.test(normalised.replace(/\{\{params\.[a-z0-9_]+\}\}/g, '')))
    throw new TemplateProblem('unbalanced `{{` or `}}`');
  const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(normalised);
  const name = (match?.[1] ?? '').toLowerCase();
  if (name.includes('{{')) throw new TemplateProblem('the command name cannot be a parameter');
  const command = registry.find(name);
  if (!command) throw new TemplateProblem(`unknown command \`${name}\``);
  if (command.name === 'runbook')
    throw new TemplateProblem('a runbook step cannot start a runbook');
  const rest = (match?.[2] ?? '').trim();
  if (command.rest) {
    return {
      command,
      positional: [],
      named: rest ? { [command.rest]: rest } : {},
      params: [...params],
    };
  }
  let line: ReturnType<typeof tokenize>;
  try {
    line = tokenize(`${name} ${rest}`);
  } catch (error) {
    if (error instanceof SyntaxProblem) throw new TemplateProblem(error.message);
    throw error;
  }
  if (line.flags.length > 0)
    throw new TemplateProblem(
      `a runbook step cannot use flags (${line.flags.map((f) => `--${f}`).join(', ')}): its command's own policy applies`,
    );
  for (const key of Object.keys(line.named))
    if (key.includes('{{')) throw new TemplateProblem('an argument name cannot be a parameter');
  return { command, positional: line.positional, named: line.named, params: [...params] };
}

/** Fills `{{params.x}}` in one word or text. Values are used as they are: no splitting, no quoting. */
export function fill(word: string, values: Record<string, string>): string {
  return word.replace(/\{\{params\.([a-z0-9_]+)\}\}/g, (_all, name: string) => values[name] ?? '');
}

const hasParam = (word: string) => word.includes('{{params.');

/** The template with parameter values filled in, validated against the command's own schema. */
export function resolveTemplate(
  template: CommandTemplate,
  values: Record<string, string>,
  targets: FileConfig['targets'],
): Intake {
  const line = {
    positional: template.positional.map((w) => fill(w, values)),
    named: Object.fromEntries(Object.entries(template.named).map(([k, v]) => [k, fill(v, values)])),
    flags: [],
  };
  return validateArgs(template.command, line, targets);
}

/**
 * What is wrong with the template whatever the parameters are: unknown argument names, too many
 * words, and every argument written out in full that its schema refuses. Arguments that hold a
 * parameter are checked when the runbook starts, with the values given.
 */
export function staticProblems(
  template: CommandTemplate,
  targets: FileConfig['targets'],
): FieldProblem[] {
  const sample = Object.fromEntries(template.params.map((p) => [p, 'x']));
  const intake = resolveTemplate(template, sample, targets);
  if (intake.kind === 'incomplete')
    return requiredNames(template.command).map((field) => ({ field, message: 'required' }));
  if (intake.kind !== 'invalid') return [];
  const withParam = new Set<string>();
  const positionalNames = template.command.positional ?? [];
  template.positional.forEach((word, index) => {
    const name = positionalNames[index] ?? positionalNames.at(-1);
    if (hasParam(word) && name) withParam.add(name);
  });
  for (const [key, value] of Object.entries(template.named))
    if (hasParam(value)) withParam.add(key);
  return intake.problems.filter((p) => !withParam.has(p.field));
}
