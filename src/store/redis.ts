import { Redis, type RedisOptions } from 'ioredis';

/**
 * Two kinds of connection: a worker's blocks and must retry forever (BullMQ requires
 * `maxRetriesPerRequest: null`); a producer's must fail fast so a request can be told at once that
 * nothing was run.
 */
export function connectRedis(url: string, role: 'worker' | 'producer', extra: RedisOptions = {}) {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
  return new Redis(url, { ...options, lazyConnect: false, ...extra });
}

export type { Redis };

/** Waits until a connection is ready, or `timeoutMs` passes (the process starts either way). */
export async function whenReady(redis: Redis, timeoutMs = 5000): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}
