import { defineConfig } from 'vitest/config';

/**
 * Test files that must run in a fresh process each (the default, `isolate: true`):
 * - test/processes and test/e2e start opsbot processes and long-lived servers.
 * - files that assert on metrics (the prom-client registry is one per process): a counter must
 *   count what this file did, not what earlier files did. submission-stream expects exact
 *   counts; slash-command and slack-429-storm expect counts ≥ 1, which earlier files would
 *   already satisfy; approvals reads the approvals-pending gauge.
 * - redact-linear compares run times of small and large inputs; in a worker that has run other
 *   files, garbage collection of their heap lands in its measurements (it failed that way).
 */
const ISOLATED = [
  'test/processes/**/*.test.ts',
  'test/e2e/**/*.test.ts',
  'test/integration/submission-stream.test.ts',
  'test/integration/slash-command.test.ts',
  'test/integration/slack-429-storm.test.ts',
  'test/integration/approvals.test.ts',
  'test/unit/redact-linear.test.ts',
];

/**
 * Unit and integration files share a worker process (`isolate: false`): importing the module
 * graph again for every file cost most of the suite's CPU time. test/setup/per-file-state.ts
 * undoes what a file changes in process.env, spies and stubs, AWS SDK client stubs included (they
 * sit on the client classes' prototypes, which the files in a worker share).
 */
const SHARED = ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Three workers on two cores: many files wait on processes, Redis and timers rather than the
    // CPU (npm test at 08:30 on 2026-12-02, quiet: 2 workers 6 min 17 s, 3 workers 5 min 14 s,
    // 4 workers 5 min 4 s; docs/benchmarks.md).
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: SHARED,
          exclude: ISOLATED,
          isolate: false,
          setupFiles: ['test/setup/per-file-state.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: ISOLATED,
          // Deletes the keys the file's bot processes wrote (uniquePrefix), after its own hooks.
          setupFiles: ['test/setup/drop-test-keys.ts'],
        },
      },
    ],
  },
});
