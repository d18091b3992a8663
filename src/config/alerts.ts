import { z } from 'zod';

/** The `alerts:` section of the YAML file: where incidents go and which runbook buttons they get. */

const channelId = z.string().regex(/^[CG]/, 'a Slack channel id such as C…');

/**
 * A runbook button: a label and either an `/ops` command line with prefilled arguments, or the name
 * of a guided runbook to start (its card then lives in the incident thread).
 */
const runbookButtonSchema = z
  .object({
    label: z.string().min(1).max(75),
    /** The command line as typed after `/ops`, e.g. `logs mission-control-api since=30m filter=ERROR`. */
    command: z.string().min(1).optional(),
    /** A guided runbook (`runbooks/<name>.yml`) to start, e.g. `api-database-unavailable`. */
    runbook: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a guided runbook name')
      .optional(),
    style: z.enum(['primary', 'danger']).optional(),
  })
  .strict()
  .refine((b) => (b.command === undefined) !== (b.runbook === undefined), {
    message: 'give command (an /ops command line) or runbook (a guided runbook name), not both',
  });

/** Maps alerts to runbook buttons by alarm-name glob (picomatch) and/or label matchers (all must match). */
const runbookMappingSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'a short id such as mission-control-api-errors'),
    alarm_name: z.string().min(1).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    buttons: z.array(runbookButtonSchema).min(1).max(5),
  })
  .strict()
  .refine((m) => m.alarm_name !== undefined || m.labels !== undefined, {
    message: 'give alarm_name (a glob) or labels (matchers)',
  });

/** Who may press an incident's Acknowledge, Resolve and Escalate when `alerts.responders` is unset. */
export const DEFAULT_RESPONDER_GROUPS = ['oncall', 'operators'] as const;

const severity = z.enum(['critical', 'high', 'warning', 'info']);

export const alertsConfigSchema = z
  .object({
    sns: z
      .object({
        /** Only these topics are accepted (and their subscriptions confirmed). */
        allowed_topic_arns: z.array(z.string().regex(/^arn:aws[a-z-]*:sns:/)).default([]),
      })
      .strict()
      .default({ allowed_topic_arns: [] }),
    /** Channel per source (`cloudwatch`, `alertmanager`, or a webhook's `source`) and per severity. */
    channels: z
      .object({
        by_source: z.record(z.string(), channelId).default({}),
        by_severity: z.partialRecord(severity, channelId).default({}),
      })
      .strict()
      .default({ by_source: {}, by_severity: {} }),
    /** A firing this soon after recovery reopens the same incident thread. */
    reopen_window_minutes: z.number().min(0).default(30),
    /** How long a resolved incident's state is kept in Redis. */
    resolved_retention_hours: z.number().positive().default(72),
    /** At most one thread reply summarising repeats per this many seconds. */
    repeat_summary_seconds: z.number().min(1).default(60),
    /** Severities that also get a channel of their own (conversations.create + invite). */
    incident_channel_severities: z.array(severity).default([]),
    /** Group (from `groups:`) that Escalate mentions and incident channels invite. */
    oncall_group: z.string().optional(),
    /**
     * Groups (from `groups:`) whose members may Acknowledge, Resolve and Escalate incidents. Every
     * one must be defined, or the bot does not start.
     */
    responders: z
      .array(z.string().min(1))
      .min(1)
      .default([...DEFAULT_RESPONDER_GROUPS]),
    /** A second Escalate within this many minutes pages nobody and says who escalated, and when. */
    escalate_window_minutes: z.number().min(0).default(15),
    runbooks: z.array(runbookMappingSchema).default([]),
  })
  .strict();

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
export type RunbookMapping = z.infer<typeof runbookMappingSchema>;
export type Severity = z.infer<typeof severity>;

export const defaultAlertsConfig = (): AlertsConfig => alertsConfigSchema.parse({});

/**
 * Problems that stop the bot from starting (finding 6 of issue 16): every responder group, the
 * default ones included, must be defined under `groups:`, so the incident buttons never fail open.
 */
export function responderProblems(
  alerts: AlertsConfig | undefined,
  groups: Record<string, unknown>,
): string[] {
  const responders = (alerts ?? defaultAlertsConfig()).responders;
  return responders
    .filter((name) => !Object.hasOwn(groups, name))
    .map(
      (name) =>
        `alerts.responders: group "${name}" is not defined under groups: (it decides who may acknowledge, resolve and escalate incidents; the default is ${DEFAULT_RESPONDER_GROUPS.join(' and ')})`,
    );
}
