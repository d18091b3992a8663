import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { commands, discovered } from '../../src/registry/commands.ts';
import { CommandFileError, discoverCommands } from '../../src/registry/discover.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A commands folder in a temp dir with these files. */
function folder(files: Record<string, string>): URL {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-commands-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return pathToFileURL(`${dir}/`);
}

const command = (name: string) =>
  `export default { name: '${name}', summary: 'x', args: { safeParse() {} }, policy: {}, run: [] };\n`;

describe('commands are discovered from the commands folder', () => {
  it('every top-level command file is a command named after its file; helpers are not', () => {
    const files = readdirSync('commands').filter((f) => /^[^.]+\.ts$/.test(f));
    expect(discovered.map((d) => d.file.split('/').pop())).toEqual(files.sort());
    expect(commands.map((c) => c.name)).toEqual(files.map((f) => f.replace(/\.ts$/, '')));
    expect(commands.map((c) => c.name)).toContain('rotate-key');
  });

  it('a command file that exports no valid command stops the load, naming the file', async () => {
    const dir = folder({
      'good.js': command('good'),
      'empty.js': 'export const nothing = 1;\n',
      'misnamed.js': command('other'),
    });
    const load = discoverCommands(dir, '.js');
    await expect(load).rejects.toThrow(CommandFileError);
    await expect(load).rejects.toThrow(/commands\/empty\.js: exports no default command/);
    await expect(load).rejects.toThrow(/commands\/misnamed\.js: its command is named "other"/);
  });

  it('compiled (.js) or source (.ts): siblings such as x.iam.js and folders are skipped', async () => {
    const dir = folder({
      'alpha.js': command('alpha'),
      'alpha.iam.js': 'export default 42;\n',
      'lib/helper.js': 'export default 42;\n',
      'beta.ts': 'export default 42;\n',
    });
    const found = await discoverCommands(dir, '.js');
    expect(found.map((d) => d.command.name)).toEqual(['alpha']);
  });
});
