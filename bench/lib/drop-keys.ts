import { Redis } from 'ioredis';

/**
 * Deletes every key under `prefix:` on the shared Redis, at the end of a bench. A bench leaves
 * thousands of keys per run otherwise (run state, kept jobs, audit entries): they cost nothing to
 * the bench itself, but every `SCAN … MATCH` on that Redis walks them, the test suite's clean-up
 * included (about 1 s per test harness with 600,000 keys left by a day of benches). The tests'
 * own clean-up (test/helpers/test-keys.ts) uses it too.
 */
export async function dropKeys(redisUrl: string, ...prefixes: string[]): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
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
  } finally {
    redis.disconnect();
  }
}
