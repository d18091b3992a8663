import {
  configSection,
  defineCommand,
  type FileConfig,
  type OutputBlock,
  type PlanContext,
  type StepContext,
  step,
  type TableAlarm,
  type TableDescription,
  type Verdict,
  z,
} from '../src/sdk/index.ts';

/**
 * Runbook 4: each table ACTIVE and PAY_PER_REQUEST, no SystemErrors in 24 h, every alarm OK.
 * Step 4: live row counts from the app's status endpoint (`GET /beak/system/status` →
 * `database.*`, `targets.table_health.status_url`) beside DescribeTable's ItemCount (which AWS
 * refreshes about every 6 hours), with the change since the last table-health run. Step 5: the
 * alarms DynamoDB auto scaling makes are normally in ALARM; they are listed apart as "scaling"
 * and never make a table ✗.
 */

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
  /** Live rows from the app's status endpoint, and the change since the last run. */
  rows?: { count: number; change?: number; since?: string };
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
    /**
     * The app's status endpoint with live row counts (Mission Control playbook 4 step 4:
     * `GET /beak/system/status` → `database.*`), shown beside DescribeTable's ItemCount.
     */
    status_url: z.url().optional(),
    status_timeout_ms: z.number().int().min(100).max(60_000).default(5_000),
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

const ITEM_COUNT_NOTE =
  'ItemCount comes from DescribeTable, which DynamoDB refreshes about every 6 hours; live rows come from the app.';
const ROWS_MEMORY = 'rows';

interface RowsMemory {
  at: string;
  rows: Record<string, number>;
}

/** A `database.*` value as a count: a number, or an object with `count`/`rows`/`items`. */
function countOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value && typeof value === 'object') {
    for (const k of ['count', 'rows', 'row_count', 'items']) {
      const v = (value as Record<string, unknown>)[k];
      if (typeof v === 'number' && Number.isFinite(v)) return v;
    }
  }
  return undefined;
}

/** `database.<table>`, `database.<table without its prefix>` (`ducklings`), or with `_`. */
function rowsOf(database: Record<string, unknown>, table: string): number | undefined {
  const short = table.slice(table.lastIndexOf('-') + 1);
  for (const key of [table, short, table.replace(/-/g, '_')]) {
    const n = countOf(database[key]);
    if (n !== undefined) return n;
  }
  return undefined;
}

/** Playbook 4 step 4: live row counts from the app, and the change since the last run. */
async function liveRows(
  ctx: StepContext<Args>,
  tables: string[],
): Promise<{ rows: Record<string, NonNullable<TableReport['rows']>>; note?: string }> {
  const { status_url: url, status_timeout_ms: timeoutMs } = configured(ctx.targets);
  if (!url) return { rows: {} };
  const answer = await ctx.ports.http.get(url, { timeoutMs });
  const database = (answer.json as { database?: unknown } | undefined)?.database;
  if (answer.status !== 200 || !database || typeof database !== 'object') {
    const why =
      answer.error ?? `HTTP ${answer.status}${database ? '' : ', no database.* in the body'}`;
    return { rows: {}, note: `Live rows unavailable (${url}: ${why}).` };
  }
  const before = await ctx.state.recall?.<RowsMemory>(ROWS_MEMORY);
  const since = before ? `${before.at.slice(0, 16).replace('T', ' ')} UTC` : undefined;
  const rows: Record<string, NonNullable<TableReport['rows']>> = {};
  for (const table of tables) {
    const n = rowsOf(database as Record<string, unknown>, table);
    if (n === undefined) continue;
    const previous = before?.rows[table];
    rows[table] =
      previous !== undefined && since ? { count: n, change: n - previous, since } : { count: n };
  }
  return { rows };
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
    if (alarm.scaling) continue;
    if (alarm.state === 'ALARM') fail.push(`alarm ${alarm.name} in ALARM`);
    else if (alarm.state !== 'OK') warn.push(`alarm ${alarm.name} is ${alarm.state}`);
  }
  const verdict = fail.length > 0 ? '✗' : warn.length > 0 ? '⚠' : '✓';
  return { ...report, verdict, reasons: [...fail, ...warn] };
}

function tableBlocks(r: TableReport): OutputBlock[] {
  const rows = r.rows
    ? ` · ${count(r.rows.count)} rows live${r.rows.change !== undefined ? ` (${r.rows.change >= 0 ? '+' : ''}${count(r.rows.change)} since ${r.rows.since})` : ''}`
    : '';
  const facts = r.table
    ? `${r.table.status} · ${r.table.billingMode} · ${count(r.table.itemCount)} items (ItemCount)${rows}`
    : 'not found';
  const why = r.reasons.length > 0 ? `\n${r.reasons.join('; ')}` : '';
  const lines = [
    ['read  ', 'ConsumedReadCapacityUnits'],
    ['write ', 'ConsumedWriteCapacityUnits'],
    ['errors', 'SystemErrors'],
  ].map(([label, m]) => `${label} ${sparkline(r.series[m!] ?? [])} ${count(sum(r.series[m!]))}`);
  const list = (alarms: TableAlarm[]) => alarms.map((a) => `${a.name} ${a.state}`).join(', ');
  const alarms = list(r.alarms.filter((a) => !a.scaling)) || 'none';
  const scaling = list(r.alarms.filter((a) => a.scaling));
  return [
    { type: 'text', text: `${r.verdict} *${r.name}* — ${facts}${why}` },
    {
      type: 'code',
      text: `${lines.join('\n')}\nalarms ${alarms}${scaling ? `\nscaling ${scaling}` : ''}`,
    },
  ];
}

async function gather(
  a: Args,
  targets: FileConfig['targets'],
  ports: PlanContext<Args>['ports'],
  progress: (note: string) => void = () => {},
  /** Live row counts from the app's status endpoint, by table (the step has them; a check does not). */
  liveRowsByTable: Record<string, NonNullable<Parameters<typeof judge>[0]['rows']>> = {},
): Promise<TableReport[]> {
  const tables = chosen(a, targets);
  const { region } = configured(targets);
  const alarms = await ports.tables.alarms({ tables, region });
  const reports: TableReport[] = [];
  for (const [index, name] of tables.entries()) {
    progress(`${index + 1}/${tables.length} ${name}`);
    let missing: string | undefined;
    const table = await ports.tables.describe({ table: name, region }).catch((error) => {
      if ((error as { code?: string }).code !== 'aws_not_found') throw error;
      missing = (error as Error).message;
      return undefined;
    });
    const series = table
      ? await ports.tables.metrics({
          table: name,
          region,
          metrics: METRICS,
          hours: HOURS,
          periodSeconds: PERIOD_SECONDS,
        })
      : {};
    const rows = liveRowsByTable[name];
    reports.push(
      judge({
        name,
        missing,
        table,
        series,
        alarms: alarms[name] ?? [],
        ...(rows ? { rows } : {}),
      }),
    );
  }
  return reports;
}

/** ✗ when any table is ✗, ⚠ when any is ⚠; the reason names the tables that are not ✓. */
function verdictOf(reports: TableReport[]): Verdict {
  const tally = (v: string) => reports.filter((r) => r.verdict === v).length;
  const bad = reports.filter((r) => r.verdict !== '✓');
  const status = tally('✗') > 0 ? 'fail' : tally('⚠') > 0 ? 'warn' : 'ok';
  const head = `${reports.length} tables: ${tally('✓')} ✓ · ${tally('⚠')} ⚠ · ${tally('✗')} ✗`;
  const why = bad.map((r) => `${r.name}: ${r.reasons.join('; ')}`).join(' · ');
  return {
    status,
    reason: why ? `${head} — ${why}` : head,
    values: { failing: tally('✗'), warning: tally('⚠') },
  };
}

export default defineCommand({
  name: 'table-health',
  summary: 'Check DynamoDB tables: status, billing, 24 h metrics, alarms (runbook 4)',
  args,
  positional: ['tables'],
  variadic: true,
  policy: { default: { approvals: 0 } },
  readOnly: true,
  async check({ args: a, targets, ports }) {
    return verdictOf(await gather(a, targets, ports));
  },
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
    step<Args>('gather', 'Read tables, metrics and alarms', async (ctx) => {
      const { args: a, targets, ports, progress } = ctx;
      const live = await liveRows(ctx, chosen(a, targets));
      const reports = await gather(a, targets, ports, progress, live.rows);
      return { reports, ...(live.note ? { rowsNote: live.note } : {}) };
    }),
    step<Args>('report', 'Post the result card', async ({ results, output, state }) => {
      const { reports, rowsNote } = results.gather as { reports: TableReport[]; rowsNote?: string };
      const tally = (v: string) => reports.filter((r) => r.verdict === v).length;
      const text = `Table health: ${tally('✓')} ✓ · ${tally('⚠')} ⚠ · ${tally('✗')} ✗ (last ${HOURS} h)`;
      await output.post({
        text,
        blocks: [
          { type: 'text', text: `*${text}*` },
          ...reports.flatMap(tableBlocks),
          { type: 'context', text: `${ITEM_COUNT_NOTE}${rowsNote ? ` ${rowsNote}` : ''}` },
        ],
      });
      const counted = reports.filter((r) => r.rows);
      if (counted.length > 0) {
        await state.remember?.(ROWS_MEMORY, {
          at: new Date().toISOString(),
          rows: Object.fromEntries(counted.map((r) => [r.name, r.rows!.count])),
        });
      }
      return { ok: tally('✓'), warn: tally('⚠'), fail: tally('✗') };
    }),
  ],
});
