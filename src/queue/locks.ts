import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';

// KEYS[1] lock key · ARGV[1] owner · ARGV[2] ttl ms → 1 when extended, 0 when owned by another
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
// KEYS[1] lock key · ARGV[1] owner → 1 when released, 0 when owned by another
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// KEYS[1] lock key · ARGV[1] owner · ARGV[2] ttl ms → nil when taken, else the current owner
const TAKE = `local holder = redis.call('get', KEYS[1])
if holder == false or holder == ARGV[1] then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return nil end
return holder`;

export interface HeldLocks {
  release(): Promise<void>;
}

/**
 * Per-resource locks: one run at a time per alias, item, service or secret. The owner is the run
 * id, so a run retried after its worker died takes its own lock back at once. The TTL is renewed
 * while the run lives and lapses if the worker dies.
 */
export class ResourceLocks {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly ttlMs = 30_000,
  ) {}

  /** Takes every lock or none. Returns the run holding a resource when one is taken. */
  async take(
    resources: string[],
    owner: string,
  ): Promise<HeldLocks | { heldBy: string; resource: string }> {
    const taken: string[] = [];
    for (const resource of [...resources].sort()) {
      const holder = (await this.redis.eval(
        TAKE,
        1,
        this.keys.lock(resource),
        owner,
        this.ttlMs,
      )) as string | null;
      if (holder !== null) {
        await Promise.all(taken.map((r) => this.redis.eval(RELEASE, 1, this.keys.lock(r), owner)));
        return { heldBy: holder, resource };
      }
      taken.push(resource);
    }
    const renew = setInterval(
      () => {
        for (const r of taken)
          this.redis.eval(EXTEND, 1, this.keys.lock(r), owner, this.ttlMs).catch(() => {});
      },
      Math.floor(this.ttlMs / 3),
    );
    renew.unref();
    return {
      release: async () => {
        clearInterval(renew);
        await Promise.all(taken.map((r) => this.redis.eval(RELEASE, 1, this.keys.lock(r), owner)));
      },
    };
  }
}
