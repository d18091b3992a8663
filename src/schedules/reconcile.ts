import type { Queue } from 'bullmq';
import type { ScheduleConfig } from '../config/schedules.ts';
import { ErrorCode } from '../util/bullmq.ts';

/** What a job scheduler's jobs carry: only the schedule's name; the rest is read at fire time. */
export interface OccurrenceJob {
  schedule: string;
}

export interface Reconciled {
  added: string[];
  updated: string[];
  removed: string[];
  kept: string[];
}

/**
 * Makes BullMQ's job schedulers match the configured, enabled schedules: new ones are added,
 * changed ones (cron or time zone) updated, removed or disabled ones deleted. An unchanged one is
 * left alone, so a missed occurrence waiting in it is still caught up, and nothing fires twice:
 * BullMQ keys each occurrence's job by scheduler id and time.
 */
export async function reconcileSchedules(
  queue: Queue<OccurrenceJob>,
  schedules: Record<string, Pick<ScheduleConfig, 'cron' | 'timezone' | 'enabled'>>,
): Promise<Reconciled> {
  const result: Reconciled = { added: [], updated: [], removed: [], kept: [] };
  const existing = new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.key, s]));
  for (const [name, schedule] of Object.entries(schedules)) {
    if (!schedule.enabled) continue;
    const current = existing.get(name);
    if (
      current &&
      current.pattern === schedule.cron &&
      (current.tz ?? 'UTC') === schedule.timezone
    ) {
      result.kept.push(name);
      continue;
    }
    const outcome = await upsertSchedule(queue, name, schedule);
    if (outcome === 'in place') result.kept.push(name);
    else (current ? result.updated : result.added).push(name);
  }
  for (const name of existing.keys()) {
    if (schedules[name]?.enabled) continue;
    await queue.removeJobScheduler(name);
    result.removed.push(name);
  }
  return result;
}

const COLLISION_RETRIES = 20;
const COLLISION_PAUSE_MS = 100;

/**
 * Adds or updates one job scheduler. When another process reconciles at the same moment (a rolling
 * deploy starts two workers), its worker may already be running this occurrence's job, and BullMQ
 * refuses to create the same iteration again (SchedulerJobIdCollision). That is not an error: if
 * the scheduler now holds what we want, the other process did our work ('in place'); if not, the
 * occurrence ends soon, so try again after a pause.
 */
async function upsertSchedule(
  queue: Queue<OccurrenceJob>,
  name: string,
  schedule: Pick<ScheduleConfig, 'cron' | 'timezone'>,
): Promise<'written' | 'in place'> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await queue.upsertJobScheduler(
        name,
        { pattern: schedule.cron, tz: schedule.timezone },
        {
          name: 'occurrence',
          data: { schedule: name },
          opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
        },
      );
      return 'written';
    } catch (error) {
      if ((error as { code?: unknown }).code !== ErrorCode.SchedulerJobIdCollision) throw error;
      const now = await queue.getJobScheduler(name);
      if (now?.pattern === schedule.cron && (now.tz ?? 'UTC') === schedule.timezone) {
        return 'in place';
      }
      if (attempt >= COLLISION_RETRIES) {
        throw new Error(
          `schedule ${name}: BullMQ kept refusing to replace its running occurrence (${(error as Error).message})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, COLLISION_PAUSE_MS));
    }
  }
}

/** The occurrence (ms) a scheduler's job was made for: its id is `repeat:<scheduler>:<ms>`. */
export function occurrenceOfJob(jobId: string | undefined): number | undefined {
  const ms = Number(jobId?.split(':').at(-1));
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
