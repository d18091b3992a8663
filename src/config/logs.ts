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
