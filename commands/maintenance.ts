import {
  DEFAULT_APPROVER_GROUP,
  defineCommand,
  type FileConfig,
  maintenanceSchema,
  maintenanceServices,
  type Plan,
  type PlanContext,
  requirePort,
  type Step,
  step,
  timeSpan,
  UserError,
  utc,
  z,
} from '../src/sdk/index.ts';
import { busyMessage, closedNote, notOpen, openWindow, scopeOf } from './lib/maintenance.ts';
import { parseDuration } from './logs/time.ts';

/**
 * Maintenance windows (the Drop runbook's §8 and step 4 of its deploy):
 * - `maintenance start <service|all> duration=30m reason="…"` announces the window in the ops
 *   channel (and the service's `announce_channels`) with its planned end, tells the status page
 *   (signed `status_webhook`) and schedules the end. Until then, incidents whose alert matches the
 *   service (`targets.maintenance.<service>`: alarm-name globs or labels; `all`: every alert) are
 *   recorded and counted but posted muted: no ping, marked "in maintenance".
 * - `maintenance end <service>`, or the planned end, closes it and posts a summary: how long it
 *   lasted, the runs made on the service during it and the alerts muted.
 * - `maintenance list` shows the open windows (read-only, no approval).
 */

const MAX_DURATION_MS = 24 * 3_600_000;

const args = z.object({
  action: z.enum(['start', 'end', 'list']).describe('start a window, end one, or list them'),
  service: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a service under targets.maintenance, or all')
    .optional()
    .describe('A service under targets.maintenance, or all'),
  duration: z
    .string()
    .default('30m')
    .refine((v) => {
      const ms = parseDuration(v);
      return ms !== undefined && ms >= 60_000 && ms <= MAX_DURATION_MS;
    }, 'a duration from 1m to 24h, such as 30m or 2h')
    .describe('How long the window stays open: 30m, 2h (at most 24h)'),
  reason: z
    .string()
    .trim()
    .min(3, 'a reason of at least 3 characters')
    .max(300)
    .optional()
    .describe('Why (shown in the announcement and the summary)'),
});
type Args = z.output<typeof args>;

const known = (targets: FileConfig['targets']) => Object.keys(maintenanceServices(targets));

function problemsOf(a: Args, targets: FileConfig['targets']) {
  const problems: { field: string; message: string }[] = [];
  if (a.action === 'list') return problems;
  if (!a.service) problems.push({ field: 'service', message: `a service to ${a.action}, or all` });
  else if (a.service !== 'all' && !known(targets).includes(a.service))
    problems.push({
      field: 'service',
      message: `no maintenance config for ${a.service} (targets.maintenance; known: ${known(targets).join(', ') || 'none'}, or all)`,
    });
  if (a.action === 'start' && !a.reason)
    problems.push({ field: 'reason', message: 'required to start a window (reason="…")' });
  return problems;
}

async function plan({ args: a, ports }: PlanContext<Args>): Promise<Plan> {
  if (a.action === 'list') return { summary: 'open maintenance windows', facts: {} };
  const service = a.service!;
  const open = (await requirePort(ports, 'maintenance').list()).find((w) => w.service === service);
  if (a.action === 'start') {
    if (open) throw new UserError('in_maintenance', `${busyMessage(open)}; nothing changed`);
    const ms = parseDuration(a.duration)!;
    return {
      summary: `${scopeOf(service)}: maintenance for ${timeSpan(ms)} — ${a.reason}`,
      details: [
        `matching alerts are posted muted until about ${utc(Date.now() + ms)}, then a summary`,
      ],
      facts: { service, open: null },
    };
  }
  if (!open) notOpen(service);
  return {
    summary: `${scopeOf(service)}: end maintenance (opened by ${open.by}, planned end ${utc(open.plannedEnd)})`,
    facts: { service, open: open.id },
  };
}

const startSteps: Step<Args>[] = [
  step<Args>('open-window', 'Open the window and announce it', async (ctx) => {
    const a = ctx.args;
    const started = await openWindow(ctx, {
      service: a.service!,
      reason: a.reason!,
      durationMs: parseDuration(a.duration)!,
    });
    if (started.outcome === 'busy')
      throw new UserError('in_maintenance', `${busyMessage(started.window)}; nothing changed`);
    const text = `🔧 ${scopeOf(a.service!)} is in maintenance until ${utc(started.window.plannedEnd)}; matching alerts are posted muted. \`maintenance end ${a.service}\` ends it sooner.`;
    await ctx.output.post({ text, blocks: [{ type: 'text', text }] });
    return {
      window: started.window.id,
      planned_end: new Date(started.window.plannedEnd).toISOString(),
      adopted: started.outcome === 'adopted',
    };
  }),
];

const endSteps: Step<Args>[] = [
  step<Args>('close-window', 'Close the window and post its summary', async (ctx) => {
    const service = ctx.args.service!;
    const summary = await requirePort(ctx.ports, 'maintenance').end({
      service,
      by: ctx.request.requester,
    });
    if (!summary) {
      const text = `${scopeOf(service)} was no longer in maintenance (it had just ended); nothing changed`;
      await ctx.output.post({ text, blocks: [{ type: 'text', text }] });
      return { closed: false };
    }
    await ctx.output.post(closedNote(summary));
    return { closed: true, runs: summary.runs.length, alerts_muted: summary.muted.length };
  }),
];

const listSteps: Step<Args>[] = [
  step<Args>('list', 'List the open windows', async (ctx) => {
    const open = await requirePort(ctx.ports, 'maintenance').list();
    const text = open.length
      ? `🔧 ${open.length} maintenance window${open.length === 1 ? '' : 's'} open`
      : 'No maintenance window is open.';
    await ctx.output.post({
      text,
      blocks: [
        { type: 'text', text },
        ...(open.length
          ? [
              {
                type: 'rows' as const,
                rows: open.map((w) => ({
                  text: `${scopeOf(w.service)} · until ${utc(w.plannedEnd)} · ${w.by} · ${w.reason}`,
                })),
              },
            ]
          : []),
      ],
    });
    return { open: open.length };
  }),
];

export default defineCommand({
  name: 'maintenance',
  summary: 'Maintenance windows: start (alerts posted muted, announced), end (summary), list',
  args,
  positional: ['action', 'service'],
  config: { targets: { maintenance: maintenanceSchema } },
  policy: {
    default: { approvals: 0 },
    environments: { prod: { approvals: 1, approverGroups: [DEFAULT_APPROVER_GROUP] } },
  },
  environment: (a: Args) => (a.action === 'list' ? 'read-only' : 'prod'),
  resources: (a: Args) => (a.action === 'list' || !a.service ? [] : [`service:${a.service}`]),
  validate: problemsOf,
  plan,
  run: (a: Args) => (a.action === 'start' ? startSteps : a.action === 'end' ? endSteps : listSteps),
});
