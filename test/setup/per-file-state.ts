import { afterAll, beforeAll, vi } from 'vitest';
import { registry as metricsRegistry } from '../../src/metrics/metrics.ts';

/**
 * Setup for the test files that share one worker process (`isolate: false`, see
 * vitest.config.ts): each file starts from the process state a fresh worker would give it.
 * - process.env: whatever a file sets (AWS endpoints and keys for dynalite) is undone after it.
 * - metrics: counters start at zero for each file, as in a fresh process.
 * - spies and stubbed env/globals are restored after each file.
 */
const env = process.env;
let saved: NodeJS.ProcessEnv = {};

beforeAll(() => {
  saved = { ...env };
  metricsRegistry.resetMetrics();
});

afterAll(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  process.env = env;
  for (const name of Object.keys(env)) if (!(name in saved)) delete env[name];
  Object.assign(env, saved);
});
