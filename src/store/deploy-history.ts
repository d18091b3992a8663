import type { DeployEntry, DeployHistoryPort, DeployTarget } from '../sdk/ports/index.ts';
import type { Keys } from './keys.ts';
import type { Redis } from './redis.ts';

/** Entries kept per alias; older ones are dropped. */
const KEEP = 100;

/**
 * What promote and rollback did to each alias, in Redis: a sorted set of run ids by time and a hash
 * of entries by run id, so a retried step records once (ZADD NX, HSETNX).
 */
/** A service's history sits beside the aliases', under `service:<name>` / `image`. */
const keyParts = (t: DeployTarget): [string, string] =>
  'service' in t ? [`service:${t.service}`, 'image'] : [t.function, t.alias];

export function redisDeployHistory(redis: Redis, keys: Keys): DeployHistoryPort {
  return {
    async record(target, entry) {
      const order = keys.deployOrder(...keyParts(target));
      const entries = keys.deployEntries(...keyParts(target));
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
      const ids = await redis.zrevrange(keys.deployOrder(...keyParts(target)), 0, limit - 1);
      if (ids.length === 0) return [];
      const raw = await redis.hmget(keys.deployEntries(...keyParts(target)), ...ids);
      return raw.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as DeployEntry);
    },
  };
}
