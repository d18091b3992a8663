import { getNextMillis } from '../util/bullmq.ts';

/**
 * Cron arithmetic, done with the same function BullMQ's job schedulers use (cron-parser with an
 * IANA time zone), so what we show and what BullMQ fires never disagree. cron-parser is DST-aware:
 * a daily 02:30 in Europe/Oslo fires at 03:30 on the spring-forward day (02:30 does not exist) and
 * once, at the first 02:30, on the fall-back day.
 */

export interface CronSpec {
  pattern: string;
  tz: string;
}

/** The first occurrence strictly after `after` (ms). */
export function nextOccurrence(spec: CronSpec, after: number): number {
  return getNextMillis(after, { pattern: spec.pattern, tz: spec.tz }) as number;
}

/**
 * The latest occurrence at or before `now`, starting from a known occurrence `from` (the one BullMQ
 * fired). Used for catch-up: when every worker was down, BullMQ keeps only the first missed
 * occurrence; we run the latest one instead, once. Capped so a typo cannot spin.
 */
export function latestOccurrence(spec: CronSpec, from: number, now: number): number {
  let latest = from;
  for (let i = 0; i < 100_000; i++) {
    const next = nextOccurrence(spec, latest);
    if (next > now) return latest;
    latest = next;
  }
  return latest;
}
