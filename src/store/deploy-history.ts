import type { Redis } from 'ioredis';
import type { DeployEntry, DeployHistoryPort } from '../sdk/ports/index.ts';
import type { Keys } from './keys.ts';

/** Entries kept per alias; older ones are dropped. */
const KEEP = 100;

/**
 * What promote and rollback did to each alias, in Redis: a sorted set of run ids by time and a hash
 * of entries by run id, so a retried step records once (ZADD NX, HSETNX).
 */
export function redisDeployHistory(redis: Redis, keys: Keys): DeployHistoryPort {
  return {
    async record(target, entry) {
      const order = keys.deployOrder(target.function, target.alias);
      const entries = keys.deployEntries(target.function, target.alias);
      await redis
        .multi()
        .zadd(order, 'NX', String(Date.parse(entry.at) || Date.now()), entry.runId)
        .hsetnx(entries, entry.runId, JSON.stringify(entry))
        .exec();
      const dropped = await redis.zrange(order, '0', String(-(KEEP + 1)));
      if (dropped.length > 0)
        await redis
          .multi()
          .zrem(order, ...dropped)
          .hdel(entries, ...dropped)
          .exec();
    },
    async list(target, limit = KEEP) {
      const ids = await redis.zrevrange(
        keys.deployOrder(target.function, target.alias),
        0,
        limit - 1,
      );
      if (ids.length === 0) return [];
      const raw = await redis.hmget(keys.deployEntries(target.function, target.alias), ...ids);
      return raw.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as DeployEntry);
    },
  };
}
