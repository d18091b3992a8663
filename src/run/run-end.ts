import { type Keys, RUN_STATE_TTL_SECONDS } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';

/**
 * The end of a run (done, or failed for good), recorded atomically in one round trip:
 * the progress message's ts (when this attempt posted it only now), the last step's checkpoint
 * (when the run is done), the "result posted" marker, and the run leaving its member's runs in
 * flight.
 * KEYS[1] run message hash   KEYS[2] run steps hash   KEYS[3] the member's runs in flight (zset)
 * ARGV[1] TTL of the run state (s)   ARGV[2] message ts ('' when stored already)   ARGV[3] its channel
 * ARGV[4] last step's name ('' for none)   ARGV[5] its result as JSON   ARGV[6] request id (the
 * member's runs in flight are counted by request id)
 * Returns 1 when this call set the marker (this attempt posts the result), 0 when one had.
 * If the result reply then fails and the run is retried, the retry runs uncounted: the per-member
 * limit is a guard against floods, and one run's retry does not make one.
 */
const END_RUN = `
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], 'ts', ARGV[2], 'channel', ARGV[3])
end
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
  redis.call('EXPIRE', KEYS[2], ARGV[1])
end
redis.call('ZREM', KEYS[3], ARGV[6])
local first = redis.call('HSETNX', KEYS[1], 'result_posted', '1')
redis.call('EXPIRE', KEYS[1], ARGV[1])
return first
`;

/** A step's result, to be checkpointed. */
export interface StepCheckpoint {
  step: string;
  result: unknown;
}

export interface RunEnd {
  runId: string;
  requestId: string;
  requester: string;
  /** The progress message, when it was posted only at the run's end (its ts is not stored yet). */
  message?: { ts: string; channel: string };
  /** The last step's checkpoint, when the run is done. */
  checkpoint?: StepCheckpoint;
}

/** Records a run's end (see `END_RUN`). True when this attempt is the one to post the result. */
export async function recordRunEnd(redis: Redis, keys: Keys, end: RunEnd): Promise<boolean> {
  const first = await redis.eval(
    END_RUN,
    3,
    keys.runMessage(end.runId),
    keys.runSteps(end.runId),
    keys.userRuns(end.requester),
    RUN_STATE_TTL_SECONDS,
    end.message?.ts ?? '',
    end.message?.channel ?? '',
    end.checkpoint?.step ?? '',
    end.checkpoint ? JSON.stringify(end.checkpoint.result ?? null) : '',
    end.requestId,
  );
  return first === 1;
}
