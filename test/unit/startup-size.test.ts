import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const MAX_LINES = 80;

/** The startup code (issue 15, item 6): every file of src/roles and the CLI that starts a role. */
function startupFiles(): string[] {
  const roles = readdirSync('src/roles', { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join('src/roles', name));
  return [...roles, 'src/cli/run-bot.ts'];
}

/** Every function, method and arrow function in `source` with more than `max` lines, by name. */
function longFunctions(fileName: string, source: string, max = MAX_LINES): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > max) found.push(`${fileName}:${start + 1} ${nameOf(node)} has ${lines} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function nameOf(node: ts.SignatureDeclaration): string {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))
    return parent.name.getText();
  return '(anonymous function)';
}

describe('startup functions', () => {
  it(`no startup function (src/roles, src/cli/run-bot.ts) is over ${MAX_LINES} lines`, () => {
    const files = startupFiles();
    expect(files).toContain('src/roles/start.ts');
    const long = files.flatMap((file) => longFunctions(file, readFileSync(file, 'utf8')));
    expect(long).toEqual([]);
  });

  it('finds a long function, a long arrow function and a long method, by name', () => {
    const body = Array.from({ length: MAX_LINES }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const source = [
      `export async function startEverything() {\n${body}\n}`,
      `const wire = () => {\n${body}\n};`,
      `class Bot { start() {\n${body}\n} }`,
      'export function short() {\n  return 1;\n}',
    ].join('\n');
    const long = longFunctions('example.ts', source);
    expect(long).toHaveLength(3);
    expect(long[0]).toMatch(/^example\.ts:1 startEverything has 82 lines$/);
    expect(long[1]).toMatch(/ wire has 82 lines$/);
    expect(long[2]).toMatch(/ start has 82 lines$/);
  });
});
