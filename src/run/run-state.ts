import type { ResourceLocks } from '../queue/locks.ts';
import type { RunState } from '../sdk/run-state.ts';
import { hsetWithTtl } from '../store/hash-with-ttl.ts';
import { type Keys, RUN_STATE_TTL_SECONDS } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';

/** Seconds a stop request for a run is remembered. */
export const STOP_REQUEST_TTL_SECONDS = 24 * 3600;

/** The Redis-backed state of one run (a hash per run, plus claims on the resource locks). */
/** How long a command's memory across runs is kept. */
const MEMORY_TTL_SECONDS = 30 * 24 * 3600;

export function runState(
  redis: Redis,
  keys: Keys,
  locks: ResourceLocks,
  runId: string,
  command = 'unknown',
): RunState {
  const read = async <T>(id: string, name: string) => {
    const raw = await redis.hget(keys.runState(id), name);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  };
  return {
    load: (name) => read(runId, name),
    loadOf: (id, name) => read(id, name),
    async save(name, value) {
      await hsetWithTtl(redis, keys.runState(runId), RUN_STATE_TTL_SECONDS, {
        [name]: JSON.stringify(value ?? null),
      });
    },
    async hold(claim) {
      const held = await locks.take([`claim:${claim}`], runId);
      return 'release' in held ? held : { heldBy: held.heldBy };
    },
    async stopRequestedBy() {
      return (await redis.get(keys.runStop(runId))) ?? undefined;
    },
    async recall(name) {
      const raw = await redis.get(keys.commandMemory(command, name));
      return raw === null ? undefined : JSON.parse(raw);
    },
    async remember(name, value) {
      await redis.set(
        keys.commandMemory(command, name),
        JSON.stringify(value ?? null),
        'EX',
        MEMORY_TTL_SECONDS,
      );
    },
  };
}

/** Asks a run to stop (a Stop button). The run notices within a second and ends itself. */
export async function requestStop(redis: Redis, keys: Keys, runId: string, user: string) {
  await redis.set(keys.runStop(runId), user, 'EX', STOP_REQUEST_TTL_SECONDS, 'NX');
}
