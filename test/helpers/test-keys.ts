import { dropKeys } from '../../bench/lib/drop-keys.ts';
import { REDIS_URL } from './redis-url.ts';

/** Key prefixes a test file's bot processes wrote under on the shared Redis (`uniquePrefix`). */
const prefixes = new Set<string>();

export function dropAtEnd(prefix: string): string {
  prefixes.add(prefix);
  return prefix;
}

/**
 * Deletes the keys under every prefix handed out in this file (test/setup/drop-test-keys.ts calls
 * it after the file's own hooks). Left behind, a scale-out run's 800 keys add up over many runs,
 * and every `SCAN … MATCH` on the shared Redis, each test harness's clean-up included, walks them.
 */
export async function dropTestKeys(): Promise<void> {
  if (prefixes.size === 0) return;
  await dropKeys(REDIS_URL, ...prefixes);
  prefixes.clear();
}
