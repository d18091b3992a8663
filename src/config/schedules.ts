import { z } from 'zod';
import { getNextMillis } from '../util/bullmq.ts';

/** Why `pattern` is not a usable 5-field cron expression, or undefined when it is. */
function cronProblem(pattern: string): string | undefined {
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

let canonicalZones: Set<string> | undefined;

/**
 * Whether `tz` is UTC or one of ICU's canonical zone names. Cheap: building an
 * `Intl.DateTimeFormat` loads ICU's date-formatting data (about 6 MB of RSS, src/util/bullmq.ts),
 * which a role that formats no dates (web) should not pay for a config check.
 */
function isCanonicalZone(tz: string): boolean {
  canonicalZones ??= new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
  return canonicalZones.has(tz);
}

/** Why `tz` is not an IANA time zone name, or undefined when it is. */
function timezoneProblem(tz: string): string | undefined {
  // Every canonical name is one Intl.DateTimeFormat takes; aliases and other spellings
  // (Etc/UTC, Asia/Calcutta, europe/oslo) are still decided by it.
  if (isCanonicalZone(tz)) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return undefined;
  } catch {
    return `"${tz}" is not an IANA time zone (such as UTC or Europe/Oslo)`;
  }
}

/** The `schedules:` and `checklists:` sections of the YAML file. Documented in the README. */

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a short name such as drop-daily (lower case, digits, - and _)');

const cron = z.string().superRefine((pattern, ctx) => {
  const problem = cronProblem(pattern);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const timezone = z.string().superRefine((tz, ctx) => {
  const problem = timezoneProblem(tz);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const scheduleSchema = z
  .object({
    /** 5-field cron: minute hour day-of-month month day-of-week. */
    cron,
    /** IANA time zone the cron is read in. */
    timezone: timezone.default('UTC'),
    /** An `/ops` command line of a read-only command: `checklist drop-daily`, `handoff`. */
    command: z.string().min(1),
    /** Where the run posts; default `slack.ops_channel`. */
    channel: z.string().regex(/^[CG]/, 'a Slack channel id such as C…').optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

export const checklistSchema = z
  .object({
    /** Digest headline; default the checklist's name. */
    title: z.string().min(1).max(150).optional(),
    /** `/ops` command lines of read-only commands that have a check. */
    checks: z.array(z.string().min(1)).min(1).max(20),
    /** How long each check may take before it counts as ✗ timed out. */
    timeout_seconds: z.number().positive().max(300).default(30),
    /** `fail`: a ✗ opens (or adds to) an incident, deduplicated per check like any alert. */
    open_incident_on: z.literal('fail').optional(),
    /** Severity of the incident a ✗ opens. */
    incident_severity: z.enum(['critical', 'high', 'warning', 'info']).default('high'),
  })
  .strict();

export const schedulesShape = {
  schedules: z.record(name, scheduleSchema).default({}),
  checklists: z.record(name, checklistSchema).default({}),
};

export type ScheduleConfig = z.infer<typeof scheduleSchema>;
export type ChecklistConfig = z.infer<typeof checklistSchema>;
