import type { LastRun, Status } from '../sdk/schedules.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';

export type { LastRun, Status };

export const MARK: Record<Status, string> = { ok: '✓', warn: '⚠', fail: '✗' };

/** What a request knows about the schedule occurrence it came from. */
export interface ScheduledRequest {
  schedule: string;
  occurrence: number;
  lateMs: number;
}

/** Seconds a request's link to its schedule occurrence is kept. */
const SCHEDULED_REQUEST_TTL_SECONDS = 7 * 24 * 3600;

/** Pause state and last results of schedules, in Redis (so both survive restarts). */
export class ScheduleStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async setPaused(name: string, paused: boolean): Promise<boolean> {
    const changed = paused
      ? await this.redis.sadd(this.keys.schedulesPaused(), name)
      : await this.redis.srem(this.keys.schedulesPaused(), name);
    return changed === 1;
  }

  async paused(): Promise<Set<string>> {
    return new Set(await this.redis.smembers(this.keys.schedulesPaused()));
  }

  async isPaused(name: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys.schedulesPaused(), name)) === 1;
  }

  /** Remembers that `requestId` runs `schedule`'s occurrence, and makes it the schedule's last run. */
  async started(requestId: string, run: ScheduledRequest): Promise<void> {
    const last: LastRun = { occurrence: run.occurrence, requestId, lateMs: run.lateMs };
    await this.redis
      .multi()
      .hset(this.keys.scheduledRequest(requestId), {
        schedule: run.schedule,
        occurrence: String(run.occurrence),
        lateMs: String(run.lateMs),
      })
      .expire(this.keys.scheduledRequest(requestId), SCHEDULED_REQUEST_TTL_SECONDS)
      .set(this.keys.scheduleLast(run.schedule), JSON.stringify(last))
      .exec();
  }

  async scheduledRequest(requestId: string): Promise<ScheduledRequest | undefined> {
    const h = await this.redis.hgetall(this.keys.scheduledRequest(requestId));
    if (!h.schedule) return undefined;
    return { schedule: h.schedule, occurrence: Number(h.occurrence), lateMs: Number(h.lateMs) };
  }

  /**
   * Records how a scheduled request's run ended (merged into what is known: a checklist gives the
   * verdict, the run's end gives the link), if it is still that schedule's last run.
   * `onlyIfOpen`: leave a verdict already recorded alone.
   */
  async finished(
    requestId: string,
    result: { status?: Status; summary?: string; link?: string },
    options: { onlyIfOpen?: boolean; now?: number } = {},
  ): Promise<void> {
    const run = await this.scheduledRequest(requestId);
    if (!run) return;
    const last = await this.last(run.schedule);
    if (last && last.requestId !== requestId) return;
    const keep =
      options.onlyIfOpen && last?.status ? { status: last.status, summary: last.summary } : {};
    const updated: LastRun = {
      occurrence: run.occurrence,
      requestId,
      lateMs: run.lateMs,
      ...last,
      ...Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined)),
      ...keep,
      finishedAt: options.now ?? Date.now(),
    };
    await this.redis.set(this.keys.scheduleLast(run.schedule), JSON.stringify(updated));
  }

  async last(name: string): Promise<LastRun | undefined> {
    const text = await this.redis.get(this.keys.scheduleLast(name));
    return text ? (JSON.parse(text) as LastRun) : undefined;
  }
}
