import { getNextMillis } from 'bullmq';

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

/** Why `pattern` is not a usable 5-field cron expression, or undefined when it is. */
export function cronProblem(pattern: string): string | undefined {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length !== 5)
    return `"${pattern}" has ${fields.length} fields; use 5 (minute hour day-of-month month day-of-week)`;
  try {
    getNextMillis(0, { pattern });
    return undefined;
  } catch (error) {
    return `"${pattern}" is not a valid cron expression (${(error as Error).message})`;
  }
}

/** Why `tz` is not an IANA time zone name, or undefined when it is. */
export function timezoneProblem(tz: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return undefined;
  } catch {
    return `"${tz}" is not an IANA time zone (such as UTC or Europe/Oslo)`;
  }
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
