import type { Alert } from '../alerts/alert.ts';
import { type CommandLine, tokenize } from '../intake/tokenize.ts';

/**
 * Runbook button commands may take values from the alert: `block-ip {{labels.source_ip}}
 * target=edge`. The template is split into words first and each placeholder is replaced inside
 * its word afterwards, so an alert's value is always ONE argument value: it can never add an
 * argument, a flag or a quote (`1.2.3.4 reason=x` stays one value, which the command's own
 * argument schema then refuses). Placeholders may only stand in argument values.
 */

const PLACEHOLDER = /\{\{\s*([a-z]+)\.([A-Za-z0-9_.:/-]+)\s*\}\}/g;

/** Where a placeholder reads from. `details` are a generic webhook's details (facts). */
const SOURCES = ['labels', 'annotations', 'dimensions', 'details'] as const;

export type FilledCommand = { ok: true; line: CommandLine } | { ok: false; problem: string };

function hasPlaceholder(text: string): boolean {
  return text.includes('{{');
}

function alertValue(alert: Alert, source: string, name: string): string | undefined {
  switch (source) {
    case 'labels':
      return alert.labels?.[name];
    case 'annotations':
      return alert.annotations?.[name];
    case 'dimensions':
      return alert.dimensions?.[name];
    case 'details':
      return alert.facts?.find(([label]) => label === name)?.[1];
    default:
      return undefined;
  }
}

/** Fills one word's placeholders; the first missing value is the problem. */
function fill(word: string, alert: Alert): { value: string } | { problem: string } {
  let problem: string | undefined;
  const value = word.replace(PLACEHOLDER, (_all, source: string, name: string) => {
    if (!(SOURCES as readonly string[]).includes(source)) {
      problem ??= `{{${source}.${name}}}: use ${SOURCES.map((s) => `{{${s}.…}}`).join(', ')}`;
      return '';
    }
    const found = alertValue(alert, source, name);
    if (found === undefined) problem ??= `the alert has no ${source}.${name}`;
    return found ?? '';
  });
  if (problem) return { problem };
  if (value.includes('{{')) return { problem: `a placeholder is malformed in "${word}"` };
  return { value };
}

/** Tokenizes a runbook command (throws SyntaxProblem) and fills its placeholders from the alert. */
export function fillTemplate(template: string, alert: Alert): FilledCommand {
  const line = tokenize(template);
  if (hasPlaceholder(line.command) || line.flags.some(hasPlaceholder)) {
    return { ok: false, problem: 'a placeholder may only stand in an argument value' };
  }
  const positional: string[] = [];
  for (const word of line.positional) {
    const filled = fill(word, alert);
    if ('problem' in filled) return { ok: false, problem: filled.problem };
    positional.push(filled.value);
  }
  const named: Record<string, string> = {};
  for (const [key, word] of Object.entries(line.named)) {
    if (hasPlaceholder(key))
      return { ok: false, problem: 'a placeholder may only stand in an argument value' };
    const filled = fill(word, alert);
    if ('problem' in filled) return { ok: false, problem: filled.problem };
    named[key] = filled.value;
  }
  return { ok: true, line: { ...line, positional, named } };
}
