import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import type { QueuedEntry } from './entry.ts';

/** What the writer may look up in Slack. Both answer undefined when they cannot tell. */
export interface AuditLookups {
  userName(userId: string): Promise<string | undefined>;
  permalink(channel: string, ts: string): Promise<string | undefined>;
}

const TIMEOUT_MS = 2000;
const CACHE_LIMIT = 1000;

function within<T>(promise: Promise<T>): Promise<T | undefined> {
  return Promise.race([
    promise.catch(() => undefined),
    new Promise<undefined>((resolve) => {
      setTimeout(() => resolve(undefined), TIMEOUT_MS).unref();
    }),
  ]);
}

function remember<T>(cache: Map<string, T>, key: string, value: T) {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
}

/**
 * Adds the actor's display name and the run's Slack permalink to an entry, when they can be found
 * quickly. Best effort: a lookup that fails or is slow leaves the field out.
 */
export function enricher(redis: Redis, keys: Keys, lookups: AuditLookups) {
  const names = new Map<string, string | undefined>();
  const links = new Map<string, string>();
  const nameOf = async (id: string) => {
    if (!/^[UW][A-Z0-9]+$/.test(id)) return undefined;
    if (names.has(id)) return names.get(id);
    const name = await within(lookups.userName(id));
    if (name) remember(names, id, name);
    return name;
  };
  const linkOf = async (runId: string) => {
    const known = links.get(runId);
    if (known) return known;
    const [channel, ts] = await redis.hmget(keys.runMessage(runId), 'channel', 'ts');
    if (!channel || !ts) return undefined;
    const link = await within(lookups.permalink(channel, ts));
    if (link) remember(links, runId, link);
    return link;
  };
  return async (entry: QueuedEntry): Promise<QueuedEntry> => {
    const actorName = entry.actor_name ?? (await nameOf(entry.actor));
    const permalink = entry.permalink ?? (entry.run_id ? await linkOf(entry.run_id) : undefined);
    return { ...entry, actor_name: actorName, permalink };
  };
}
