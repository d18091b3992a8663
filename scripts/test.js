#!/usr/bin/env node
// `npm test [-- vitest options]`: lint and typecheck beside `vitest run`, not
// before it. vitest leaves part of the two cores idle (files waiting on processes, Redis and
// timers); the checks run at a lower priority in that idle time instead of adding about 30 s in
// front of the suite. Their output is held and printed after vitest's, each under its name, and
// the exit code is non-zero when any of the three fails. Options after `--` go to vitest (.ci/run
// passes its reporters that way). Plain JavaScript so it runs with node alone.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Lower than vitest's (0): the checks take what vitest leaves idle. */
const CHECK_PRIORITY = 10;

/**
 * The import rules (`npm run deps`) are not among them: test/unit/architecture.test.ts runs the
 * same dependency-cruiser check (rules, baseline) inside vitest.
 */
const CHECKS = [
  { name: 'lint', script: 'lint' },
  { name: 'typecheck', script: 'typecheck' },
];

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs `npm run <script>` with its output held; resolves with the exit code and the output. */
function check({ name, script }) {
  return new Promise((resolve) => {
    const child = spawn(npm, ['run', '--silent', script], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      setPriority(child.pid, CHECK_PRIORITY);
    } catch {
      // Not allowed here: the check runs at the normal priority.
    }
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => resolve({ name, code: 1, output: String(error) }));
    child.on('close', (code, signal) =>
      resolve({ name, code: code ?? (signal ? 1 : 0), output: Buffer.concat(output).toString() }),
    );
  });
}

function vitest(args) {
  return new Promise((resolve) => {
    const child = spawn(join(root, 'node_modules/.bin/vitest'), ['run', ...args], {
      cwd: root,
      stdio: 'inherit',
    });
    child.on('error', () => resolve(1));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const checks = Promise.all(CHECKS.map(check));
const vitestCode = await vitest(process.argv.slice(2));
const results = await checks;

for (const result of results) {
  if (result.code === 0) continue;
  process.stdout.write(`\n──── npm run ${result.name} FAILED (exit ${result.code}) ────\n`);
  process.stdout.write(result.output.endsWith('\n') ? result.output : `${result.output}\n`);
}
const summary = [
  ...results.map((r) => `${r.name} ${r.code === 0 ? 'ok' : 'FAILED'}`),
  `vitest ${vitestCode === 0 ? 'ok' : 'FAILED'}`,
];
process.stdout.write(`\nnpm test: ${summary.join(', ')}\n`);
const failed = vitestCode !== 0 || results.some((r) => r.code !== 0);
process.exit(failed ? 1 : 0);
