import type { FileConfig } from '../config/file.ts';
import type { GuidedRunbook } from './definition.ts';
import type { GuidedLibrary } from './library.ts';
import { resolveTemplate } from './template.ts';

/** Longest parameter value accepted. */
const MAX_VALUE = 300;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Checks the parameters given to `runbook start` against the runbook's `params:` and then every
 * command and check step, filled in, against its command's own argument schema. Returns the values
 * (defaults applied) or every problem, each naming the file and the step. Nothing is queued here.
 */
export function checkParams(
  library: GuidedLibrary,
  runbook: GuidedRunbook,
  given: Record<string, string>,
  targets: FileConfig['targets'],
): { values: Record<string, string> } | { problems: string[] } {
  const problems: string[] = [];
  const values: Record<string, string> = {};
  for (const name of Object.keys(given))
    if (!(name in runbook.params))
      problems.push(
        `${runbook.file}: params: \`${name}\` is not a parameter of ${runbook.name} (its parameters: ${Object.keys(runbook.params).join(', ') || 'none'})`,
      );
  for (const [name, definition] of Object.entries(runbook.params)) {
    const value = given[name] ?? definition.default;
    if (value === undefined || value === '') {
      if (definition.required) problems.push(`${runbook.file}: params: \`${name}\` is required`);
      continue;
    }
    if (value.length > MAX_VALUE)
      problems.push(`${runbook.file}: params: \`${name}\` is longer than ${MAX_VALUE} characters`);
    else if (CONTROL.test(value))
      problems.push(`${runbook.file}: params: \`${name}\` holds a line break or control character`);
    else if (definition.pattern && !new RegExp(`^(?:${definition.pattern})$`).test(value))
      problems.push(`${runbook.file}: params: \`${name}\` must match ${definition.pattern}`);
    else values[name] = value;
  }
  if (problems.length > 0) return { problems };
  runbook.steps.forEach((step, index) => {
    if (step.kind === 'manual') return;
    const intake = resolveTemplate(library.template(runbook, index), values, targets);
    const where = `${runbook.file}: step ${index + 1} (${step.kind}: "${step.text}")`;
    if (intake.kind === 'invalid')
      for (const p of intake.problems) problems.push(`${where}: ${p.field}: ${p.message}`);
    else if (intake.kind !== 'valid') problems.push(`${where}: arguments missing`);
  });
  return problems.length > 0 ? { problems } : { values };
}
