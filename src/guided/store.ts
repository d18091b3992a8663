import type { Redis } from '../store/redis.ts';
import type { Execution } from './execution.ts';

/**
 * Redis keys of guided runbook executions, under opsbot's prefix (apart from `<prefix>:guided:*`,
 * which is BullMQ's queue of the same name).
 */
export function guidedKeys(prefix: string) {
  return {
    execution: (id: string) => `${prefix}:runbook-execution:${id}`,
    /** Executions in progress (score = started at). */
    active: () => `${prefix}:runbook-executions`,
    /** Held by the one worker taking an execution's steps forward. */
    lock: (id: string) => `${prefix}:runbook-execution:${id}:lock`,
    /** Which execution a command step's request belongs to (request id → execution id). */
    request: (requestId: string) => `${prefix}:runbook-request:${requestId}`,
  };
}

export type GuidedKeys = ReturnType<typeof guidedKeys>;

const COMMIT = `
-- Commits one change of an execution if nobody changed it since it was read (compare and set).
-- KEYS[1] execution hash   KEYS[2] active zset
-- ARGV[1] version the change was computed from ('0': the execution must not exist yet)
-- ARGV[2] the new execution (JSON)   ARGV[3] its status   ARGV[4] started at (ms)
-- ARGV[5] execution id   ARGV[6] ms to keep a finished execution
-- Returns the new version, or 0 when the execution changed meanwhile (read it again).
local version = redis.call('HGET', KEYS[1], 'version') or '0'
if version ~= ARGV[1] then return 0 end
local next = tonumber(version) + 1
redis.call('HSET', KEYS[1], 'version', next, 'json', ARGV[2])
if ARGV[3] == 'running' then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
  redis.call('PERSIST', KEYS[1])
else
  redis.call('ZREM', KEYS[2], ARGV[5])
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
end
return next
`;

const UNLOCK = `
-- Releases the execution's worker lock if this caller still holds it.
-- KEYS[1] lock   ARGV[1] the holder's token   Returns 1 when released.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Finished, aborted and abandoned executions are kept this long (for late clicks and status). */
const KEEP_MS = 30 * 24 * 3600 * 1000;

export interface Stored {
  execution: Execution;
  version: number;
}

/**
 * Executions in Redis. Every change is computed from a version and committed with one script that
 * refuses it if another change came first, so a click that arrives twice, or a worker and a click at
 * the same moment, count once.
 */
export class ExecutionStore {
  constructor(
    private readonly redis: Redis,
    readonly keys: GuidedKeys,
  ) {}

  async load(id: string): Promise<Stored | undefined> {
    const [version, json] = await this.redis.hmget(this.keys.execution(id), 'version', 'json');
    if (!version || !json) return undefined;
    return { execution: JSON.parse(json) as Execution, version: Number(version) };
  }

  /** True when committed; false when the execution changed since `version` (or exists, for 0). */
  async commit(execution: Execution, version: number): Promise<boolean> {
    const result = await this.redis.eval(
      COMMIT,
      2,
      this.keys.execution(execution.id),
      this.keys.active(),
      String(version),
      JSON.stringify(execution),
      execution.status,
      String(execution.startedAt),
      execution.id,
      String(KEEP_MS),
    );
    return Number(result) > 0;
  }

  /** Takes the execution's worker lock for `ms` (true), or says another worker holds it (false). */
  async lock(id: string, token: string, ms: number): Promise<boolean> {
    return (await this.redis.set(this.keys.lock(id), token, 'PX', ms, 'NX')) === 'OK';
  }

  async unlock(id: string, token: string) {
    await this.redis.eval(UNLOCK, 1, this.keys.lock(id), token);
  }

  async activeIds(limit = 50): Promise<string[]> {
    return this.redis.zrange(this.keys.active(), 0, String(limit - 1));
  }

  async linkRequest(requestId: string, executionId: string) {
    await this.redis.set(this.keys.request(requestId), executionId, 'PX', KEEP_MS);
  }

  executionOfRequest(requestId: string) {
    return this.redis.get(this.keys.request(requestId));
  }
}
