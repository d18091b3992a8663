import type { LimitsConfig } from '../config/limits.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';

/** A run still listed as in flight after this long is taken as lost (its worker and retries gone). */
const STALE_RUN_MS = 6 * 3600_000;
const MINUTE_MS = 60_000;

/**
 * Takes one request of a member, or refuses it, atomically (finding 7 of issue 16).
 * KEYS[1] the member's runs in flight (zset: run id → queued at) · KEYS[2] their requests this minute
 * ARGV[1] now (ms) · ARGV[2] runs in flight limit · ARGV[3] requests per minute limit
 * ARGV[4] stale after (ms) · ARGV[5] 1 when the request may run (not a plan) · ARGV[6] run id to
 * reserve now ('' when the run is queued later, after approval)
 * Returns {'ok'} · {'runs', in flight} · {'rate', ms until the minute lapses}
 */
const TAKE_REQUEST = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[4]))
local made = tonumber(redis.call('GET', KEYS[2]) or '0')
if made >= tonumber(ARGV[3]) then
  return {'rate', redis.call('PTTL', KEYS[2])}
end
if ARGV[5] == '1' then
  local running = redis.call('ZCARD', KEYS[1])
  if running >= tonumber(ARGV[2]) then return {'runs', running} end
end
if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ${MINUTE_MS}) end
if ARGV[6] ~= '' then
  redis.call('ZADD', KEYS[1], now, ARGV[6])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return {'ok'}
`;

/**
 * KEYS[1] the member's runs in flight · KEYS[2] the run's BullMQ job hash · ARGV[1] now ·
 * ARGV[2] stale after (ms) · ARGV[3] run id. Counts the run unless its job exists already: BullMQ
 * ignores the add of an existing job id (a finished run added again), so it is not in flight.
 * Returns 1 when counted.
 */
const ADD_RUN = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

export interface LimitAsk {
  requester: string;
  /** Whether the request can lead to a run (a `--plan` cannot). */
  mayRun: boolean;
  /** The run id to count at once, when the run is queued right after this check. */
  reserve?: string;
}

/** Per-member limits on requests per minute and runs in flight, kept in Redis for every instance. */
export class UserLimits {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly limits: Pick<
      LimitsConfig,
      'runs_in_flight_per_user' | 'requests_per_minute_per_user'
    >,
  ) {}

  /** Why the request is refused (an ephemeral sentence naming the limit), or undefined when taken. */
  async take(ask: LimitAsk, now = Date.now()): Promise<string | undefined> {
    const [outcome, value] = (await this.redis.eval(
      TAKE_REQUEST,
      2,
      this.keys.userRuns(ask.requester),
      this.keys.userRequests(ask.requester),
      now,
      this.limits.runs_in_flight_per_user,
      this.limits.requests_per_minute_per_user,
      STALE_RUN_MS,
      ask.mayRun ? 1 : 0,
      ask.reserve ?? '',
    )) as [string, number?];
    if (outcome === 'runs')
      return `:no_entry: You have ${value} runs queued or running; the limit is ${this.limits.runs_in_flight_per_user} per member (\`limits.runs_in_flight_per_user\`). Ask again when one has finished. Nothing was run.`;
    if (outcome === 'rate')
      return `:no_entry: You made ${this.limits.requests_per_minute_per_user} requests in the last minute, the limit per member (\`limits.requests_per_minute_per_user\`). Try again in ${Math.max(1, Math.ceil(Number(value) / 1000))} s. Nothing was run.`;
    return undefined;
  }

  /**
   * A run is about to be handed to the queue as job `jobKey` (after an approval, a schedule, …):
   * it is in flight, unless that job exists already. Called before the add, so a run that a worker
   * finishes at once is never counted after its finish. True when counted.
   */
  async runQueued(
    requester: string,
    runId: string,
    jobKey: string,
    now = Date.now(),
  ): Promise<boolean> {
    const counted = await this.redis.eval(
      ADD_RUN,
      2,
      this.keys.userRuns(requester),
      jobKey,
      now,
      STALE_RUN_MS,
      runId,
    );
    return counted === 1;
  }

  /** A run finished (done, or failed for good), or was never queued after all. */
  async runFinished(requester: string, runId: string): Promise<void> {
    await this.redis.zrem(this.keys.userRuns(requester), runId);
  }
}
