import { z } from 'zod';

/** The `guided_runbooks:` section of the YAML file (all optional). */
export const guidedSettingsSchema = z
  .object({
    /** Folders of runbook YAML files, relative to the working directory. */
    folders: z.array(z.string().min(1)).min(1).default(['runbooks']),
    /** How often a command step's request is looked at while it is pending. */
    poll_seconds: z.number().min(0.1).max(300).default(5),
    /** An execution nobody moved for this long gets a reminder in its thread. */
    idle_reminder_hours: z.number().positive().default(24),
    /** An execution nobody moved for this long is marked abandoned. */
    abandon_after_days: z.number().positive().default(7),
  })
  .strict()
  .prefault({});

export type GuidedSettings = z.infer<typeof guidedSettingsSchema>;

/** Reads the section from the (passthrough) file config; throws naming the bad field. */
export function guidedSettings(file: Record<string, unknown>): GuidedSettings {
  const parsed = guidedSettingsSchema.safeParse(file.guided_runbooks);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (i) => `guided_runbooks.${i.path.join('.') || '(section)'}: ${i.message}`,
  );
  throw new Error(`configuration is not valid:\n  ${problems.join('\n  ')}`);
}
