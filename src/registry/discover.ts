import { readdirSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnyCommand } from '../sdk/command.ts';

/** A command and the file it came from (`commands/rotate-key.ts`). */
export interface DiscoveredCommand {
  command: AnyCommand;
  /** Absolute path of the command's file. */
  file: string;
}

/** A file in commands/ that is not one valid command; the message names the file and the fault. */
export class CommandFileError extends Error {
  constructor(problems: string[]) {
    super(
      `commands/ holds files that are not commands:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'CommandFileError';
  }
}

/**
 * The files that are commands: top-level `<name>.ts` (or `<name>.js` when running compiled), one
 * dot in the name. Sibling helpers (`rotate-key.iam.ts`, `*.d.ts`) and folders (`commands/lib`,
 * `commands/logs`) are not commands.
 */
export function commandFiles(dir: URL, ext: '.ts' | '.js'): string[] {
  const path = fileURLToPath(dir);
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.isFile() && /^[a-z0-9][a-z0-9-]*\.(ts|js)$/.test(entry.name))
    .filter((entry) => extname(entry.name) === ext)
    .map((entry) => `${path.replace(/\/$/, '')}/${entry.name}`)
    .sort();
}

/** What is wrong with a module's default export as a command named after its file; none: fine. */
export function commandProblems(value: unknown, expectedName: string): string[] {
  if (typeof value !== 'object' || value === null) return ['exports no default command'];
  const c = value as Partial<AnyCommand>;
  const problems: string[] = [];
  if (c.name !== expectedName)
    problems.push(
      `its command is named ${JSON.stringify(c.name)}, not ${expectedName} (the file name)`,
    );
  if (typeof c.summary !== 'string' || c.summary === '') problems.push('has no summary');
  if (typeof (c.args as { safeParse?: unknown } | undefined)?.safeParse !== 'function')
    problems.push('has no zod args object');
  if (typeof c.policy !== 'object' || c.policy === null) problems.push('has no policy');
  if (!Array.isArray(c.run) && typeof c.run !== 'function') problems.push('has no run steps');
  return problems;
}

/**
 * Imports every command file in `dir` (see `commandFiles`). Throws `CommandFileError` naming each
 * file whose default export is not a valid command, so a broken command stops the start.
 */
export async function discoverCommands(
  dir: URL,
  ext: '.ts' | '.js' = moduleExtension(),
): Promise<DiscoveredCommand[]> {
  const found: DiscoveredCommand[] = [];
  const problems: string[] = [];
  for (const file of commandFiles(dir, ext)) {
    const name = file.slice(file.lastIndexOf('/') + 1, -ext.length);
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    const own = commandProblems(module.default, name);
    if (own.length > 0) problems.push(`commands/${name}${ext}: ${own.join('; ')}`);
    else found.push({ command: module.default as AnyCommand, file });
  }
  if (problems.length > 0) throw new CommandFileError(problems);
  return found;
}

/** `.ts` when running from source (tsx, vitest), `.js` when compiled to dist/. */
function moduleExtension(): '.ts' | '.js' {
  return import.meta.url.endsWith('.ts') ? '.ts' : '.js';
}
