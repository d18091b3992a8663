import { z } from 'zod';
import { alertsConfigSchema } from './alerts.ts';
import { approvalSettingsSchema } from './approvals.ts';
import { auditConfigSchema } from './audit.ts';
import { limitsSchema } from './limits.ts';
import { logsTargetsShape } from './logs.ts';
import { runbookTargetsShape } from './runbook-targets.ts';
import { schedulesShape } from './schedules.ts';
import { endpointsSchema, servicesSchema } from './service-targets.ts';

/** The YAML configuration file (`OPSBOT_CONFIG`). Documented in the README's configuration reference. */

const slackId = (what: string, prefix: RegExp) =>
  z
    .string()
    .regex(prefix, `a Slack ${what} id such as ${prefix.source.replace(/[\^[\]\\]/g, '')}…`);

/**
 * Schedules that act as members of the group: a scheduled request (actor `schedule:<name>`) passes
 * a policy's `requesters` when one of its groups lists the schedule here.
 */
const groupSchedules = z
  .array(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a schedule name such as drop-daily'))
  .optional();

const groupSchema = z.union([
  z.object({ users: z.array(slackId('user', /^[UW]/)).min(1), schedules: groupSchedules }).strict(),
  z.object({ usergroup: slackId('user group', /^S/), schedules: groupSchedules }).strict(),
]);

const policyOverrideSchema = z
  .object({
    requesters: z.array(z.string()).optional(),
    channels: z.array(z.string()).optional(),
    approvals: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
    approver_groups: z.array(z.string()).optional(),
    ttl_minutes: z.number().positive().optional(),
    break_glass: z.boolean().optional(),
    break_glass_groups: z.array(z.string()).optional(),
  })
  .strict();

const lambdaTargetSchema = z
  .object({
    function_name: z.string().min(1).optional(),
    region: z.string().optional(),
    /** alias name → environment name (for example `prod: prod`). */
    aliases: z.record(z.string(), z.string()).default({ prod: 'prod' }),
    /**
     * Mission Control playbook 1, "always verify the new version in staging before promoting":
     * promote to another alias refuses a version that is not (and never was) on the alias whose
     * environment is `staging`, unless a break-glass run says skip_staging=true. On by default
     * (the playbook requires it); `false` turns it off for a function with no staging alias in use.
     */
    verify_staging: z.boolean().default(true),
  })
  .strict();

/** The `targets` sections the core owns (commands add theirs, see `config` on a command). */
const coreTargetsShape = {
  lambda: z.record(z.string(), lambdaTargetSchema).default({}),
  ...runbookTargetsShape,
  services: servicesSchema,
  endpoints: endpointsSchema,
  ...logsTargetsShape,
};

/** Any other `targets` section: a map of named targets, read by the command that owns it. */
const otherTargets = z.record(z.string(), z.unknown());

const coreShape = {
  slack: z
    .object({
      ops_channel: slackId('channel', /^[CG]/),
      incidents_channel: slackId('channel', /^[CG]/).optional(),
    })
    .strict(),
  groups: z.record(z.string(), groupSchema).default({}),
  /** command name → { default?: override, <environment>?: override } */
  policies: z.record(z.string(), z.record(z.string(), policyOverrideSchema)).default({}),
  approvals: approvalSettingsSchema,
  audit: auditConfigSchema.optional(),
  alerts: alertsConfigSchema.optional(),
  limits: limitsSchema.prefault({}),
  ...schedulesShape,
};

/** Names the core configuration owns; a command may not declare a section by one of them. */
export const CORE_SECTIONS = {
  targets: Object.keys(coreTargetsShape),
  settings: [...Object.keys(coreShape), 'targets'],
};

/** The file schema with the sections commands own merged in (under `targets:` and top-level). */
export function fileConfigSchemaWith(sections: {
  targets: Record<string, z.ZodType>;
  settings: Record<string, z.ZodType>;
}) {
  return z
    .object({
      ...coreShape,
      ...sections.settings,
      targets: z
        .object({ ...coreTargetsShape, ...sections.targets })
        .catchall(otherTargets)
        .prefault({}),
    })
    .passthrough();
}

/** The core schema alone: what every configuration has whatever commands are loaded. */
export const fileConfigSchema = fileConfigSchemaWith({ targets: {}, settings: {} });

export type FileConfig = z.infer<typeof fileConfigSchema>;
export type GroupConfig = z.infer<typeof groupSchema>;
export type LambdaTarget = z.infer<typeof lambdaTargetSchema>;
export type PolicyOverrideConfig = z.infer<typeof policyOverrideSchema>;
