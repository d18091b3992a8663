import { Redis } from 'ioredis';
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
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (found.length) await redis.unlink(...found);
      } while (cursor !== '0');
    }
    prefixes.clear();
  } finally {
    redis.disconnect();
  }
}
