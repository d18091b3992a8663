import { afterAll, beforeAll, vi } from 'vitest';

/**
 * Setup for the test files that share one worker process (`isolate: false`, see
 * vitest.config.ts): what a file changes in the process is undone after it, so the next file
 * starts as it would in a fresh worker.
 * - process.env: whatever a file sets (AWS endpoints and keys for dynalite) or replaces.
 * - spies and stubbed env/globals.
 * Metric counters are not reset (files that assert on them stay isolated, see vitest.config.ts).
 */
const env = process.env;
let saved: NodeJS.ProcessEnv = {};

beforeAll(() => {
  saved = { ...env };
});

afterAll(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  process.env = env;
  for (const name of Object.keys(env)) if (!(name in saved)) delete env[name];
  Object.assign(env, saved);
});
