import { createRequire } from 'node:module';
import { afterAll, beforeAll, vi } from 'vitest';

/**
 * Setup for the test files that share one worker process (`isolate: false`, see
 * vitest.config.ts): what a file changes in the process is undone after it, so the next file
 * starts as it would in a fresh worker.
 * - process.env: whatever a file sets (AWS endpoints and keys for dynalite) or replaces.
 * - spies and stubbed env/globals.
 * - AWS SDK client stubs (aws-sdk-client-mock): they replace `send` on the client classes'
 *   prototypes with sinon stubs, which every later file in the worker would otherwise call. All of
 *   them come from sinon's default sandbox, so its restore() undoes the ones a file left behind.
 * Metric counters are not reset (files that assert on them stay isolated, see vitest.config.ts).
 */
const env = process.env;
// The sinon that aws-sdk-client-mock stubs with (required from its own location, so the same
// module instance).
const sinon = createRequire(createRequire(import.meta.url).resolve('aws-sdk-client-mock'))(
  'sinon',
) as { restore(): void };
let saved: NodeJS.ProcessEnv = {};

beforeAll(() => {
  saved = { ...env };
});

afterAll(() => {
  vi.restoreAllMocks();
  sinon.restore();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  process.env = env;
  for (const name of Object.keys(env)) if (!(name in saved)) delete env[name];
  Object.assign(env, saved);
});
