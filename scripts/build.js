#!/usr/bin/env node
// `npm run build [-- outDir] [--no-check]`: compiles src/ and commands/ to JavaScript in dist/ with tsc
// (tsconfig.build.json),
// copies the files tsc does not emit (the local console's page, CSS and browser scripts), and writes
// dist/main.js, the entry the Docker image runs (`node dist/main.js`).
//
// dist/ mirrors the checkout (dist/src, dist/commands) so every relative path the code uses at run
// time (the commands directory, `new URL('./page.html', import.meta.url)`) resolves as it does from
// source. Plain JavaScript so it runs with node alone.
//
// `--no-check` emits the same JavaScript without type-checking (tsc --noCheck, about half the time):
// for callers whose sources are type-checked anyway (the compiled-build test; npm test runs tsc).
// The default, which `npm run build` and the Dockerfile use, type-checks.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const noCheck = args.includes('--no-check');
const outArg = args.find((arg) => !arg.startsWith('--'));
const out = resolve(outArg ?? join(root, 'dist'));
const SOURCES = ['src', 'commands'];

rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(
  process.execPath,
  [
    tsc,
    '-p',
    join(root, 'tsconfig.build.json'),
    '--outDir',
    out,
    ...(noCheck ? ['--noCheck'] : []),
  ],
  {
    stdio: 'inherit',
  },
);
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

/** Every file under `dir` that tsc does not turn into JavaScript. */
function* assets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* assets(path);
    else if (!entry.name.endsWith('.ts')) yield path;
  }
}
for (const source of SOURCES) {
  for (const path of assets(join(root, source))) {
    const target = join(out, relative(root, path));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(path, target);
  }
}

writeFileSync(
  join(out, 'main.js'),
  "// The compiled entry: `node dist/main.js [all|web|worker|…]`. Written by scripts/build.js.\nimport './src/main.js';\n",
);
