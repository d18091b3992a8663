import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';

const BEAT_MS = 5_000;
export const HEARTBEAT_TTL_MS = 20_000;

/** Redis's own clock in ms, so workers' clocks need not agree. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** One sorted set, member = worker id, score = when its heartbeat lapses; lapsed ones are dropped. */
const BEAT = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return 1`;

const LIVE = `${NOW}
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')`;

/**
 * A worker says it is alive every few seconds; `/ready` looks for any live worker. One key (not a
 * SCAN over per-worker keys), so on Redis Cluster it is read from opsbot's slot like every other.
 */
export function startHeartbeat(redis: Redis, keys: Keys, workerId: string) {
  const beat = () =>
    redis.eval(BEAT, 1, keys.workers(), workerId, HEARTBEAT_TTL_MS).catch(() => {});
  void beat();
  const timer = setInterval(beat, BEAT_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await redis.zrem(keys.workers(), workerId).catch(() => {});
    },
  };
}

export async function liveWorkers(redis: Redis, keys: Keys): Promise<number> {
  return Number(await redis.eval(LIVE, 1, keys.workers()));
}
