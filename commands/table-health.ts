import {
  configSection,
  defineCommand,
  type FileConfig,
  type OutputBlock,
  step,
  type TableAlarm,
  type TableDescription,
  z,
} from '../src/sdk/index.ts';

/** Runbook 4: each table ACTIVE and PAY_PER_REQUEST, no SystemErrors in 24 h, every alarm OK. */

const METRICS = ['ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits', 'SystemErrors'];
const HOURS = 24;
const PERIOD_SECONDS = 3600;
const BARS = '▁▂▃▄▅▆▇█';

const args = z.object({
  // A list (as stored in a run's job) or the typed words; parsing its own output gives the same list.
  tables: z
    .union([z.array(z.string()), z.string()])
    .optional()
    .transform((given) =>
      (Array.isArray(given) ? given : (given ?? '').split(/[\s,]+/)).filter(Boolean),
    )
    .describe('Tables to check (default: every table in targets.table_health)'),
});

type Args = z.output<typeof args>;

interface TableReport {
  name: string;
  /** Why the table could not be read (`no such table … in …`); unset when it was. */
  missing?: string;
  table?: TableDescription;
  series: Record<string, number[]>;
  alarms: TableAlarm[];
  /** ✓ all checks pass, ⚠ worth a look, ✗ escalate. */
  verdict: '✓' | '⚠' | '✗';
  reasons: string[];
}

/** `targets.table_health`: the DynamoDB tables `table-health` checks (runbook 4). */
export const tableHealthSchema = z
  .object({
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')
      .optional(),
    tables: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name'))
      .default([]),
  })
  .strict()
  .prefault({});

/** The configured tables and their region. */
export function configured(targets: FileConfig['targets']) {
  return configSection(targets, 'table_health', tableHealthSchema);
}

/** The tables to check: the ones named, matched exactly or by their suffix (`ducklings`). */
function chosen(a: Args, targets: FileConfig['targets']): string[] {
  const all = configured(targets).tables;
  if (a.tables.length === 0) return all;
  return a.tables.map((t) => all.find((c) => c === t) ?? all.find((c) => c.endsWith(`-${t}`)) ?? t);
}

export function sparkline(values: number[]): string {
  const max = Math.max(0, ...values);
  if (max === 0) return BARS[0]!.repeat(values.length);
  return values.map((v) => BARS[Math.min(7, Math.floor((v / max) * 7.999))]).join('');
}

const sum = (values: number[] = []) => values.reduce((a, b) => a + b, 0);
const count = (n: number) => Math.round(n).toLocaleString('en-US');

export function judge(report: Omit<TableReport, 'verdict' | 'reasons'>): TableReport {
  const fail: string[] = [];
  const warn: string[] = [];
  const t = report.table;
  if (!t) fail.push(report.missing ?? 'table not found');
  else {
    if (t.status !== 'ACTIVE') fail.push(`status ${t.status}, not ACTIVE`);
    if (t.billingMode !== 'PAY_PER_REQUEST')
      warn.push(`billing ${t.billingMode}, not PAY_PER_REQUEST`);
  }
  const errors = sum(report.series.SystemErrors);
  if (errors > 0) fail.push(`SystemErrors ${count(errors)} in ${HOURS} h`);
  for (const alarm of report.alarms) {
    if (alarm.state === 'ALARM') fail.push(`alarm ${alarm.name} in ALARM`);
    else if (alarm.state !== 'OK') warn.push(`alarm ${alarm.name} is ${alarm.state}`);
  }
  const verdict = fail.length > 0 ? '✗' : warn.length > 0 ? '⚠' : '✓';
  return { ...report, verdict, reasons: [...fail, ...warn] };
}

function tableBlocks(r: TableReport): OutputBlock[] {
  const facts = r.table
    ? `${r.table.status} · ${r.table.billingMode} · ${count(r.table.itemCount)} items`
    : 'not found';
  const why = r.reasons.length > 0 ? `\n${r.reasons.join('; ')}` : '';
  const lines = [
    ['read  ', 'ConsumedReadCapacityUnits'],
    ['write ', 'ConsumedWriteCapacityUnits'],
    ['errors', 'SystemErrors'],
  ].map(([label, m]) => `${label} ${sparkline(r.series[m!] ?? [])} ${count(sum(r.series[m!]))}`);
  const alarms = r.alarms.map((a) => `${a.name} ${a.state}`).join(', ') || 'none';
  return [
    { type: 'text', text: `${r.verdict} *${r.name}* — ${facts}${why}` },
    { type: 'code', text: `${lines.join('\n')}\nalarms ${alarms}` },
  ];
}

export default defineCommand({
  name: 'table-health',
  summary: 'Check DynamoDB tables: status, billing, 24 h metrics, alarms (runbook 4)',
  args,
  positional: ['tables'],
  variadic: true,
  policy: { default: { approvals: 0 } },
  readOnly: true,
  config: { targets: { table_health: tableHealthSchema } },
  permissions(targets, region) {
    const { tables, region: r = region } = configured(targets);
    if (tables.length === 0) return [];
    return [
      {
        actions: ['dynamodb:DescribeTable'],
        resources: tables.map((t) => `arn:aws:dynamodb:${r}:*:table/${t}`),
      },
      {
        actions: ['cloudwatch:GetMetricData', 'cloudwatch:DescribeAlarms'],
        resources: ['*'],
        note: 'GetMetricData has no resource-level permission; DescribeAlarms lists every alarm to find the ones naming a table, which needs "*"',
      },
    ];
  },
  validate(a: Args, targets) {
    const all = configured(targets).tables;
    if (all.length === 0)
      return [{ field: 'tables', message: 'no tables configured (targets.table_health.tables)' }];
    const unknown = chosen(a, targets).filter((t) => !all.includes(t));
    return unknown.map((t) => ({
      field: 'tables',
      message: `${t} is not a configured table (known: ${all.join(', ')})`,
    }));
  },
  async plan({ args: a, targets }) {
    const tables = chosen(a, targets);
    const region = configured(targets).region;
    return {
      summary: `check ${tables.length} table${tables.length === 1 ? '' : 's'}${region ? ` in ${region}` : ''}`,
      details: tables,
      facts: { tables: tables.join(',') },
    };
  },
  run: [
    step<Args>(
      'gather',
      'Read tables, metrics and alarms',
      async ({ args: a, targets, aws, progress }) => {
        const tables = chosen(a, targets);
        const { region } = configured(targets);
        const alarms = await aws.tables.alarms({ tables, region });
        const reports: TableReport[] = [];
        for (const [index, name] of tables.entries()) {
          progress(`${index + 1}/${tables.length} ${name}`);
          let missing: string | undefined;
          const table = await aws.tables.describe({ table: name, region }).catch((error) => {
            if ((error as { code?: string }).code !== 'aws_not_found') throw error;
            missing = (error as Error).message;
            return undefined;
          });
          const series = table
            ? await aws.tables.metrics({
                table: name,
                region,
                metrics: METRICS,
                hours: HOURS,
                periodSeconds: PERIOD_SECONDS,
              })
            : {};
          reports.push(judge({ name, missing, table, series, alarms: alarms[name] ?? [] }));
        }
        return { reports };
      },
    ),
    step<Args>('report', 'Post the result card', async ({ results, output }) => {
      const { reports } = results.gather as { reports: TableReport[] };
      const tally = (v: string) => reports.filter((r) => r.verdict === v).length;
      const text = `Table health: ${tally('✓')} ✓ · ${tally('⚠')} ⚠ · ${tally('✗')} ✗ (last ${HOURS} h)`;
      await output.post({
        text,
        blocks: [{ type: 'text', text: `*${text}*` }, ...reports.flatMap(tableBlocks)],
      });
      return { ok: tally('✓'), warn: tally('⚠'), fail: tally('✗') };
    }),
  ],
});
