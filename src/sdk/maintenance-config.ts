import { z } from 'zod';
import type { FileConfig } from '../config/file.ts';
import { configSection } from './config-section.ts';

/**
 * `targets.maintenance.<service>`: which alerts a window on the service mutes (alarm-name globs
 * and/or label matchers, as runbook mappings match), where it is announced besides the ops
 * channel, and an optional signed status webhook (a status page) told at its start and end.
 */
const channelId = z.string().regex(/^[CG]/, 'a Slack channel id such as C…');

export const maintenanceServiceSchema = z
  .object({
    /** Globs on the alarm name (CloudWatch AlarmName, Alertmanager alertname, else the title). */
    alarm_names: z.array(z.string().min(1)).default([]),
    /** Label matchers (globs); all must match. */
    labels: z.record(z.string(), z.string()).default({}),
    /** Channels that also get the announcement and the summary. */
    announce_channels: z.array(channelId).default([]),
    /** POSTed (signed with OPSBOT_STATUS_WEBHOOK_SECRET) when a window starts and ends. */
    status_webhook: z
      .object({ url: z.url({ protocol: /^https?$/ }) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => s.alarm_names.length > 0 || Object.keys(s.labels).length > 0, {
    message: 'give alarm_names (globs) or labels (matchers): the alerts a window mutes',
  });

export const maintenanceSchema = z
  .record(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a service name such as drop')
      .refine(
        (name) => name !== 'all',
        '`all` is reserved: `maintenance start all` covers every alert',
      ),
    maintenanceServiceSchema,
  )
  .default({});

export type MaintenanceService = z.output<typeof maintenanceServiceSchema>;

/** The validated `targets.maintenance` section (empty when absent). */
export const maintenanceServices = (targets: FileConfig['targets']) =>
  configSection(targets, 'maintenance', maintenanceSchema);
