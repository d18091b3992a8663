import type { Redis } from 'ioredis';
import type { Keys } from '../store/keys.ts';

const BEAT_MS = 5_000;
export const HEARTBEAT_TTL_MS = 20_000;

/** A worker says it is alive every few seconds; `/ready` looks for any live worker. */
export function startHeartbeat(redis: Redis, keys: Keys, workerId: string) {
  const beat = () =>
    redis
      .set(keys.workerHeartbeat(workerId), String(Date.now()), 'PX', HEARTBEAT_TTL_MS)
      .catch(() => {});
  void beat();
  const timer = setInterval(beat, BEAT_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await redis.del(keys.workerHeartbeat(workerId)).catch(() => {});
    },
  };
}

export async function liveWorkers(redis: Redis, keys: Keys): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', keys.workerHeartbeats(), 'COUNT', 100);
    cursor = next;
    count += found.length;
  } while (cursor !== '0');
  return count;
}
