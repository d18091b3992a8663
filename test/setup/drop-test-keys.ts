import { afterAll } from 'vitest';
import { dropTestKeys } from '../helpers/test-keys.ts';

/**
 * Setup for the isolated test files (vitest.config.ts): after a file's own hooks have stopped its
 * bot processes, the keys they wrote under `uniquePrefix()` prefixes are deleted.
 */
afterAll(async () => {
  await dropTestKeys();
});
