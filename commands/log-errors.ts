import {
  DEFAULT_REQUESTER_GROUP,
  defineCommand,
  type FileConfig,
  type LogsPort,
  type PlanContext,
  redact,
  step,
  target,
  timeSpan,
  UserError,
  type Verdict,
  z,
} from '../src/sdk/index.ts';
import { parseDuration } from './logs/time.ts';

/**
 * Mantissa Log's morning check "review overnight errors": counts ERROR events in a log group over
 * a window (CloudWatch Logs FilterLogEvents) and fails when there are more than `max`.
 */

/** Counting stops here: beyond it the exact number does not change the verdict. */
const COUNT_CAP = 10_000;
const SAMPLES = 3;

const args = z.object({
  target: target('logs', 'Log target (a name from targets.logs)', { label: 'log target' }),
  since: z
    .string()
    .default('24h')
    .refine((v) => parseDuration(v) !== undefined, 'a duration such as 24h, 30m or 1d')
    .describe('How far back to count: 24h, 30m, 1d'),
  max: z.coerce
    .number()
    .int('a whole number')
    .min(0)
    .max(COUNT_CAP - 1)
    .default(0)
    .describe('Most ERROR events that still count as ✓'),
  filter: z
    .string()
    .min(1)
    .max(1024)
    .default('ERROR')
    .describe('CloudWatch filter pattern for an error event (default: the term ERROR)'),
});

type Args = z.output<typeof args>;

function logTarget(targets: FileConfig['targets'], name: string) {
  const found = Object.hasOwn(targets.logs ?? {}, name) ? targets.logs?.[name] : undefined;
  if (!found) throw new UserError('unknown_target', `no log target named ${name} in config`);
  return { logGroup: found.log_group, region: found.region };
}

/** The log group in the CloudWatch console (its path segment encodes `/` as `$252F`). */
function consoleLink(logGroup: string, region: string) {
  const group = encodeURIComponent(logGroup).replace(/%/g, '$25');
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${group}`;
}

interface Count {
  count: number;
  capped: boolean;
  samples: string[];
  windowMs: number;
  link: string;
}

async function countErrors(a: Args, targets: FileConfig['targets'], logs: LogsPort | undefined) {
  if (!logs) throw new UserError('no_logs', 'CloudWatch Logs is not available in this process');
  const where = logTarget(targets, a.target);
  const windowMs = parseDuration(a.since)!;
  const end = Date.now();
  let count = 0;
  const samples: string[] = [];
  for await (const event of logs.search({
    ...where,
    start: end - windowMs,
    end,
    filter: a.filter,
    limit: COUNT_CAP,
  })) {
    count += 1;
    if (samples.length < SAMPLES) samples.push(redact(event.message).slice(0, 300));
  }
  const region = where.region ?? process.env.AWS_REGION ?? 'us-east-1';
  return {
    count,
    capped: count >= COUNT_CAP,
    samples,
    windowMs,
    link: consoleLink(where.logGroup, region),
  } satisfies Count;
}

function verdictOf(a: Args, c: Count): Verdict {
  const n = c.capped ? `${COUNT_CAP}+` : String(c.count);
  const over = c.count > a.max;
  return {
    status: over ? 'fail' : 'ok',
    reason: `${n} ERROR event${c.count === 1 ? '' : 's'} in ${timeSpan(c.windowMs)} in ${a.target} (max ${a.max})`,
    link: c.link,
    values: { errors: c.count },
  };
}

export default defineCommand({
  name: 'log-errors',
  summary: 'Count ERROR events in a log group (since=24h max=0): ✗ when over max (read-only)',
  args,
  positional: ['target'],
  readOnly: true,
  // It reads log events (sample lines) as `logs` does: operators only, by default. A checklist that
  // runs it is let in by listing its schedule in the group (`groups.operators.schedules`).
  policy: { default: { approvals: 0, requesters: [DEFAULT_REQUESTER_GROUP] } },
  permissions: (targets, region) => {
    const groups = Object.values(targets.logs ?? {}).map(
      (t) => `arn:aws:logs:${t.region ?? region}:*:log-group:${t.log_group}`,
    );
    if (groups.length === 0) return [];
    return [{ actions: ['logs:FilterLogEvents'], resources: groups.flatMap((g) => [g, `${g}:*`]) }];
  },
  async check({ args: a, targets, ports }: PlanContext<Args>) {
    return verdictOf(a, await countErrors(a, targets, ports.logs));
  },
  run: [
    step<Args>('count', 'Count ERROR events', async ({ args: a, targets, ports, output }) => {
      const counted = await countErrors(a, targets, ports.logs);
      const verdict = verdictOf(a, counted);
      const mark = verdict.status === 'ok' ? '✓' : '✗';
      await output.post({
        text: `${mark} ${verdict.reason}`,
        blocks: [
          { type: 'text', text: `*${mark} ${verdict.reason}*` },
          ...(counted.samples.length > 0
            ? [{ type: 'code' as const, text: counted.samples.join('\n') }]
            : []),
          {
            type: 'rows',
            rows: [{ text: `filter ${a.filter}`, link: { url: counted.link, label: 'log group' } }],
          },
        ],
      });
      return { errors: counted.count, status: verdict.status };
    }),
  ],
});
