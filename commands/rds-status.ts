import { defineCommand, type PlanContext, step, target, z } from '../src/sdk/index.ts';
import {
  age,
  database,
  databaseProblems,
  databasesSchema,
  readStatements,
} from './rds/databases.ts';
import { rdsOf } from './rds/need.ts';

/**
 * The Drop runbook's RDS checks in one card: status, engine, class, storage, free storage
 * (CloudWatch FreeStorageSpace, ⚠ under 2 GB as the weekly check says), connections, the latest
 * automated and manual snapshot with their age, and pending maintenance.
 */

const args = z.object({
  db: target('databases', 'Database to show (a name under targets.databases)', {
    label: 'database',
  }),
});
type Args = z.output<typeof args>;

/** The runbook's weekly check: alert if free storage is under 2 GB. */
export const FREE_STORAGE_WARN_BYTES = 2 * 1024 ** 3;

const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`;

async function gather({ args: a, targets, ports }: PlanContext<Args>) {
  const rds = rdsOf(ports);
  const db = database(targets, a.db);
  const [info, metrics, automated, manual, maintenance] = await Promise.all([
    rds.describe(db.ref),
    rds.metrics(db.ref),
    rds.latestSnapshot(db.ref, 'automated'),
    rds.latestSnapshot(db.ref, 'manual'),
    rds.pendingMaintenance(db.ref),
  ]);
  return { info, metrics, automated, manual, maintenance };
}

export default defineCommand({
  name: 'rds-status',
  summary:
    'RDS instance or Aurora cluster: status, engine, storage and free space, connections, latest snapshots, pending maintenance',
  args,
  positional: ['db'],
  readOnly: true,
  config: { targets: { databases: databasesSchema } },
  policy: { default: { approvals: 0 } },
  validate: (a: Args, targets) => databaseProblems(targets, a.db),
  permissions: readStatements,
  async check(ctx) {
    const { info, metrics } = await gather(ctx);
    const free = metrics.freeStorageBytes;
    if (info.status !== 'available')
      return { status: 'fail', reason: `${ctx.args.db} is ${info.status}` };
    if (free !== undefined && free < FREE_STORAGE_WARN_BYTES)
      return {
        status: 'warn',
        reason: `${ctx.args.db}: ${gb(free)} free (under 2 GB)`,
        values: { free_gb: free / 1024 ** 3 },
      };
    return {
      status: 'ok',
      reason: `${ctx.args.db} available${free !== undefined ? `, ${gb(free)} free` : ''}`,
      ...(free !== undefined ? { values: { free_gb: free / 1024 ** 3 } } : {}),
    };
  },
  run: [
    step<Args>('describe', 'Read the database, its metrics and snapshots', async (ctx) =>
      gather(ctx),
    ),
    step<Args>('report', 'Post the status card', async ({ args: a, results, output }) => {
      const { info, metrics, automated, manual, maintenance } = results.describe as Awaited<
        ReturnType<typeof gather>
      >;
      const free = metrics.freeStorageBytes;
      const lowStorage = free !== undefined && free < FREE_STORAGE_WARN_BYTES;
      const ok = info.status === 'available';
      const mark = !ok ? '✗' : lowStorage ? '⚠' : '✓';
      const text = `${mark} ${a.db}: ${info.status}`;
      const snap = (s: typeof automated) => {
        if (!s) return 'none';
        const old = age(s.createdAt);
        return `\`${s.id}\` · ${s.status}${old ? ` · ${old.text} old` : ''}`;
      };
      const fields: [string, string][] = [
        ['Engine', `${info.engine}${info.engineVersion ? ` ${info.engineVersion}` : ''}`],
        ['Class', info.instanceClass ?? '—'],
        [
          'Storage',
          `${info.allocatedStorageGb !== undefined ? `${info.allocatedStorageGb} GB` : '—'}${info.storageType ? ` ${info.storageType}` : ''}`,
        ],
        ['Free storage', free === undefined ? 'no data' : `${lowStorage ? '⚠ ' : ''}${gb(free)}`],
        [
          'Connections',
          metrics.connections === undefined ? 'no data' : String(Math.round(metrics.connections)),
        ],
        ['Multi-AZ', info.multiAz === undefined ? '—' : info.multiAz ? 'yes' : 'no'],
        ['Latest automated snapshot', snap(automated)],
        ['Latest manual snapshot', snap(manual)],
      ];
      const pending =
        maintenance.length === 0
          ? 'No pending maintenance'
          : `Pending maintenance: ${maintenance
              .map(
                (m) =>
                  `${m.action}${m.description ? ` (${m.description})` : ''}${m.autoAppliedAfter ? `, auto-applied after ${m.autoAppliedAfter.slice(0, 10)}` : ''}`,
              )
              .join('; ')}`;
      await output.post({
        text,
        blocks: [
          { type: 'text', text: `*${text}*` },
          { type: 'fields', fields },
          { type: 'context', text: pending },
        ],
      });
      return { status: info.status, lowStorage };
    }),
  ],
});
