import type { Redis } from './redis.ts';

/** KEYS[1] the hash, ARGV[1] its time to live in seconds, the rest field and value pairs. */
const HSET_WITH_TTL = `
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
`;

/**
 * Writes `fields` into the hash at `key` and sets its time to live, atomically and in one command.
 * A script rather than MULTI…EXEC: for every MULTI ioredis builds a pipeline object and copies onto
 * it each script defined on the connection, and the runs' connection is their BullMQ worker's,
 * which has BullMQ's ~60 scripts.
 */
export async function hsetWithTtl(
  redis: Redis,
  key: string,
  ttlSeconds: number,
  fields: Record<string, string>,
): Promise<void> {
  await redis.eval(HSET_WITH_TTL, 1, key, ttlSeconds, ...Object.entries(fields).flat());
}
