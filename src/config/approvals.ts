import { z } from 'zod';

/** The `approvals:` section of the YAML file: timers of the approval flow (all optional). */
export const approvalSettingsSchema = z
  .object({
    /** How often open requests are checked for expiry (and emergency runs for reminders). */
    sweep_seconds: z.number().positive().default(5),
    /** How often the channel is reminded of an emergency run nobody has acknowledged yet. */
    emergency_reminder_hours: z.number().positive().default(4),
    /** How long a Slack user group's membership is cached (at most 5 minutes). */
    membership_cache_seconds: z.number().positive().max(300).default(300),
  })
  .strict()
  .default({ sweep_seconds: 5, emergency_reminder_hours: 4, membership_cache_seconds: 300 });

export type ApprovalSettings = z.infer<typeof approvalSettingsSchema>;
