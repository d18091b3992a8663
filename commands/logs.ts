import {
  DEFAULT_REQUESTER_GROUP,
  defineCommand,
  type FileConfig,
  type IamStatement,
  logsSettings,
  PermanentError,
  step,
  target as targetArg,
  UserError,
  z,
} from '../src/sdk/index.ts';
import { cappedRange, searchCaps } from './logs/caps.ts';
import { followLogs } from './logs/follow.ts';
import { searchLogs } from './logs/search.ts';
import { parseDuration, parseTime } from './logs/time.ts';

const timeText = 'a time such as 15m, 2h, 1d or an ISO time (2026-11-23T09:00Z)';

const RAW_LOG_GROUP = /^[\w\-./#]{1,512}$/;

const args = z.object({
  target: targetArg('logs', 'Log target (a name from config; a log group name when allowed)', {
    label: 'log target',
    other: {
      accepts: (value, targets) =>
        logsSettings(targets).allow_raw_log_groups && RAW_LOG_GROUP.test(value),
      hint: (targets) => (logsSettings(targets).allow_raw_log_groups ? ' or a log group name' : ''),
    },
  }),
  since: z
    .string()
    .default('15m')
    .refine((v) => parseTime(v, 0) !== undefined, timeText)
    .describe('Start of the search: 15m, 2h, 1d or an ISO time'),
  until: z
    .string()
    .refine((v) => parseTime(v, 0) !== undefined, timeText)
    .optional()
    .describe('End of the search (default: now)'),
  filter: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .describe('CloudWatch filter pattern, such as "ERROR" or "{ $.level = \\"error\\" }"'),
  limit: z.coerce
    .number()
    .int('a whole number')
    .min(1)
    .max(100_000)
    .default(200)
    .describe('Most events to return'),
  follow: z
    .string()
    .refine((v) => parseDuration(v) !== undefined, 'a duration such as 10m or 1h')
    .optional()
    .describe('Follow new events for this long (10m) instead of searching'),
});

type Args = z.output<typeof args>;

/** The log group a target names: a configured target, or a raw name when the config allows it. */
function logGroupOf(targets: FileConfig['targets'], name: string) {
  const found = targets.logs && Object.hasOwn(targets.logs, name) ? targets.logs[name] : undefined;
  if (found) return { name, logGroup: found.log_group, region: found.region };
  if (logsSettings(targets).allow_raw_log_groups && RAW_LOG_GROUP.test(name))
    return { name, logGroup: name, region: undefined };
  return undefined;
}

function target(targets: FileConfig['targets'], name: string) {
  const found = logGroupOf(targets, name);
  if (!found) throw new UserError('unknown_target', `no log target named ${name} in config`);
  return found;
}

export default defineCommand({
  name: 'logs',
  summary: 'Search a log group, or follow it live in the thread (read-only)',
  args,
  positional: ['target'],
  // Log events and the audit ledger show more than one resource: operators only, by default.
  policy: { default: { approvals: 0, requesters: [DEFAULT_REQUESTER_GROUP] } },
  readOnly: true,
  permissions: (targets, region) => {
    const settings = logsSettings(targets);
    const configured = Object.values(targets.logs ?? {});
    if (configured.length === 0 && !settings.allow_raw_log_groups) return [];
    const groups = settings.allow_raw_log_groups
      ? ['arn:aws:logs:*:*:log-group:*']
      : configured
          .map((t) => `arn:aws:logs:${t.region ?? region}:*:log-group:${t.log_group}`)
          .flatMap((g) => [g, `${g}:*`]);
    const read: IamStatement = {
      actions: ['logs:FilterLogEvents', ...(settings.live_tail ? ['logs:StartLiveTail'] : [])],
      resources: groups,
    };
    if (!settings.live_tail) return [read];
    // DescribeLogGroups (a name → the ARN StartLiveTail wants) is authorized per region, on
    // `log-group::log-stream:`, never on one log group: it needs `log-group:*` of the region.
    const regions = settings.allow_raw_log_groups
      ? ['*']
      : [...new Set(configured.map((t) => t.region ?? region))];
    return [
      read,
      {
        actions: ['logs:DescribeLogGroups'],
        resources: regions.map((r) => `arn:aws:logs:${r}:*:log-group:*`),
      },
    ];
  },
  validate(a: Args, targets) {
    const problems: { field: string; message: string }[] = [];
    if (a.follow) {
      const max = logsSettings(targets).follow_max_minutes;
      if ((parseDuration(a.follow) ?? 0) > max * 60_000)
        problems.push({ field: 'follow', message: `at most ${max}m (follow_max_minutes)` });
    } else if (a.until) {
      const now = Date.now();
      if ((parseTime(a.until, now) ?? 0) <= (parseTime(a.since, now) ?? 0))
        problems.push({ field: 'until', message: `must be after since (${a.since})` });
    }
    return problems;
  },
  run: (a: Args) =>
    a.follow
      ? [
          step<Args>('follow', 'Follow new log events', async (ctx) => {
            const logs = ctx.ports.logs;
            if (!logs)
              throw new PermanentError('no_logs_port', 'CloudWatch Logs is not configured');
            const settings = logsSettings(ctx.targets);
            const durationMs = Math.min(
              parseDuration(a.follow ?? '') ?? 0,
              settings.follow_max_minutes * 60_000,
            );
            return followLogs(ctx, logs, {
              target: target(ctx.targets, a.target),
              filter: a.filter,
              durationMs,
              liveTail: settings.live_tail,
            });
          }),
        ]
      : [
          step<Args>('search', 'Search the log group', async (ctx) => {
            const logs = ctx.ports.logs;
            if (!logs)
              throw new PermanentError('no_logs_port', 'CloudWatch Logs is not configured');
            const caps = searchCaps(logsSettings(ctx.targets));
            // The range is fixed on the first attempt, so a retry searches the same span. A range
            // longer than the span cap keeps its newest part.
            let range = await ctx.state.load<{ start: number; end: number; spanCapped?: boolean }>(
              'range',
            );
            if (!range) {
              const now = Date.now();
              range = cappedRange(
                {
                  start: parseTime(a.since, now) ?? now - 15 * 60_000,
                  end: a.until ? (parseTime(a.until, now) ?? now) : now,
                },
                caps.maxSpanMs,
              );
              await ctx.state.save('range', range);
            }
            const t = target(ctx.targets, a.target);
            return searchLogs(
              ctx,
              logs,
              t,
              { logGroup: t.logGroup, ...range, filter: a.filter },
              a.limit,
              caps,
            );
          }),
        ],
});
