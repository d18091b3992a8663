import { z } from 'zod';

/** `targets.logs.<name>`: a log group operators may search and follow by name. */
export const logTargetSchema = z
  .object({
    /** Log group name (or ARN). */
    log_group: z.string().min(1),
    region: z.string().optional(),
  })
  .strict();

/** `targets.logs_settings`: how `/ops logs` behaves. */
export const logsSettingsSchema = z
  .object({
    /** Allow `/ops logs /aws/lambda/anything` with a log group name that is not a configured target. */
    allow_raw_log_groups: z.boolean().default(false),
    /** The longest a follow may run, in minutes. */
    follow_max_minutes: z.number().positive().max(180).default(30),
    /** Use StartLiveTail for follows (false: poll FilterLogEvents). */
    live_tail: z.boolean().default(true),
    /** A search reads at most this many FilterLogEvents pages (empty ones included). */
    search_max_pages: z.number().int().positive().default(100),
    /** A search stops after this many empty pages in a row (CloudWatch can send them forever). */
    search_max_empty_pages: z.number().int().positive().default(20),
    /** A search covers at most this many hours: a longer range keeps its newest part. */
    search_max_span_hours: z.number().positive().default(168),
    /** A search reads at most this much log text (MB of event messages). */
    search_max_megabytes: z.number().positive().default(32),
  })
  .strict();

/**
 * The two `targets` entries for logs, spread into the targets schema in file.ts. Optional, so the
 * targets default stays `{ lambda: {} }`; `logsSettings()` fills in the defaults.
 */
export const logsTargetsShape = {
  logs: z.record(z.string(), logTargetSchema).optional(),
  logs_settings: logsSettingsSchema.optional(),
};

export function logsSettings(targets: { logs_settings?: unknown }): LogsSettings {
  return logsSettingsSchema.parse(targets.logs_settings ?? {});
}

export type LogTarget = z.infer<typeof logTargetSchema>;
export type LogsSettings = z.infer<typeof logsSettingsSchema>;
