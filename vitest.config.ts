import { defineConfig } from 'vitest/config';

/**
 * Test files that must run in a fresh process each (the default, `isolate: true`):
 * - test/processes and test/e2e start opsbot processes and long-lived servers.
 * - submission-stream asserts exact metric counts (`... 1`) in the process-wide registry.
 * - redact-linear compares run times of small and large inputs; in a worker that has run other
 *   files, garbage collection of their heap lands in its measurements (it failed that way).
 */
const ISOLATED = [
  'test/processes/**/*.test.ts',
  'test/e2e/**/*.test.ts',
  'test/integration/submission-stream.test.ts',
  'test/unit/redact-linear.test.ts',
];

/**
 * Unit and integration files share a worker process (`isolate: false`): importing the module
 * graph again for every file cost most of the suite's CPU time. test/setup/per-file-state.ts
 * gives each file the process.env and metric counters a fresh process would.
 */
const SHARED = ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
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
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
    ],
  },
});
