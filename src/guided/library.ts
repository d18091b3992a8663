import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { FileConfig } from '../config/file.ts';
import type { Registry } from '../intake/validate.ts';
import { type GuidedRunbook, guidedRunbookSchema, type RunbookStep, stepOf } from './definition.ts';
import {
  type CommandTemplate,
  parseTemplate,
  staticProblems,
  TemplateProblem,
} from './template.ts';

/** The guided runbooks opsbot knows, read and checked once at start. */
export interface GuidedLibrary {
  list(): GuidedRunbook[];
  find(name: string): GuidedRunbook | undefined;
  /** The parsed command line of a command or check step. */
  template(runbook: GuidedRunbook, index: number): CommandTemplate;
}

/** The problems found reading the folders: each names the file, the step and the reason. */
export class GuidedRunbookProblems extends Error {
  constructor(readonly problems: string[]) {
    super(`guided runbooks are not valid:\n  ${problems.join('\n  ')}`);
    this.name = 'GuidedRunbookProblems';
  }
}

const YAML_FILE = /\.ya?ml$/;

/** `folder`'s YAML files (a missing folder holds none). */
function filesIn(folder: string): string[] {
  try {
    if (!statSync(folder).isDirectory()) return [];
  } catch {
    return [];
  }
  return readdirSync(folder)
    .filter((f) => YAML_FILE.test(f))
    .sort()
    .map((f) => join(folder, f));
}

const label = (index: number, step: RunbookStep) =>
  `step ${index + 1} (${step.kind}: "${step.text.length > 50 ? `${step.text.slice(0, 50)}…` : step.text}")`;

/** Reads one runbook file; returns it or the problems found, each naming the file and step. */
export function readGuidedRunbook(
  path: string,
  text: string,
  registry: Registry,
  targets: FileConfig['targets'],
): { runbook?: GuidedRunbook; templates?: Map<number, CommandTemplate>; problems: string[] } {
  const file = relative(process.cwd(), path) || path;
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return { problems: [`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`] };
  }
  const parsed = guidedRunbookSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => {
        const [first, index, ...more] = issue.path;
        const where =
          first === 'steps' && typeof index === 'number'
            ? `step ${index + 1}${more.length ? ` (${more.join('.')})` : ''}`
            : issue.path.join('.') || '(file)';
        return `${file}: ${where}: ${issue.message}`;
      }),
    };
  }
  const steps = parsed.data.steps.map(stepOf);
  const runbook: GuidedRunbook = {
    ...parsed.data,
    steps,
    digest: createHash('sha256').update(JSON.stringify(steps)).digest('hex').slice(0, 16),
    file,
  };
  const problems: string[] = [];
  const templates = new Map<number, CommandTemplate>();
  runbook.steps.forEach((step, index) => {
    if (step.kind === 'manual') return;
    const where = `${file}: ${label(index, step)}`;
    let template: CommandTemplate;
    try {
      template = parseTemplate(step.text, registry);
    } catch (error) {
      if (error instanceof TemplateProblem) {
        problems.push(`${where}: ${error.message}`);
        return;
      }
      throw error;
    }
    for (const param of template.params)
      if (!(param in runbook.params))
        problems.push(`${where}: uses {{params.${param}}}, which \`params:\` does not declare`);
    if (step.kind === 'check' && !template.command.readOnly)
      problems.push(
        `${where}: \`${template.command.name}\` is not a read-only command, so it cannot be a check (make it a command step)`,
      );
    for (const problem of staticProblems(template, targets))
      problems.push(`${where}: ${problem.field}: ${problem.message}`);
    templates.set(index, template);
  });
  return problems.length > 0 ? { problems } : { runbook, templates, problems };
}

/** Reads every `.yml`/`.yaml` file in `folders`. Throws GuidedRunbookProblems listing every problem. */
export function loadGuidedRunbooks(
  folders: string[],
  registry: Registry,
  targets: FileConfig['targets'],
): GuidedLibrary {
  const byName = new Map<string, GuidedRunbook>();
  const templates = new Map<GuidedRunbook, Map<number, CommandTemplate>>();
  const problems: string[] = [];
  for (const path of [...new Set(folders)].flatMap(filesIn)) {
    const read = readGuidedRunbook(path, readFileSync(path, 'utf8'), registry, targets);
    problems.push(...read.problems);
    if (!read.runbook) continue;
    const other = byName.get(read.runbook.name);
    if (other) {
      problems.push(
        `${read.runbook.file}: name ${read.runbook.name} is already used by ${other.file}`,
      );
      continue;
    }
    byName.set(read.runbook.name, read.runbook);
    templates.set(read.runbook, read.templates!);
  }
  if (problems.length > 0) throw new GuidedRunbookProblems(problems);
  return {
    list: () => [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)),
    find: (name) => byName.get(name),
    template(runbook, index) {
      const found = templates.get(runbook)?.get(index);
      if (!found) throw new Error(`step ${index + 1} of ${runbook.name} has no command`);
      return found;
    },
  };
}
