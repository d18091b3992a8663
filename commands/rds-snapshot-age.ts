import {
  defineCommand,
  type PlanContext,
  step,
  target,
  type Verdict,
  z,
} from '../src/sdk/index.ts';
import {
  age,
  database,
  databaseProblems,
  databasesSchema,
  durationArg,
  readStatements,
} from './rds/databases.ts';
import { rdsOf } from './rds/need.ts';

/**
 * The Drop runbook's daily check (§3.1, "RDS snapshot from last night: exists and < 24h old", read
 * with `SnapshotType==automated`): the newest automated snapshot exists and is younger than `max`
 * (default 24 h). A manual snapshot (a pre-deploy one) does not stand in for a nightly backup that
 * did not run, unless `type=any` asks for it. A read-only check for checklists and schedules.
 */

const args = z.object({
  db: target('databases', 'Database whose latest snapshot to check', { label: 'database' }),
  max: durationArg('Oldest acceptable age of the latest snapshot (24h, 2d)').default(
    24 * 3_600_000,
  ),
  type: z
    .enum(['automated', 'manual', 'any'])
    .default('automated')
    .describe('Which snapshots count: automated (the nightly backup, default), manual, or any'),
});
type Args = z.output<typeof args>;

async function verdict({ args: a, targets, ports }: PlanContext<Args>): Promise<Verdict> {
  const rds = rdsOf(ports);
  const db = database(targets, a.db);
  const types = a.type === 'any' ? (['automated', 'manual'] as const) : [a.type];
  const latest = await Promise.all(types.map((type) => rds.latestSnapshot(db.ref, type)));
  const available = latest.filter((s) => s?.status === 'available' && s.createdAt);
  const newest = available.sort((x, y) => Date.parse(y!.createdAt!) - Date.parse(x!.createdAt!))[0];
  const maxHours = a.max / 3_600_000;
  const kind = a.type === 'any' ? 'snapshot' : `${a.type} snapshot`;
  if (!newest) return { status: 'fail', reason: `${a.db}: no available ${kind}` };
  const old = age(newest.createdAt)!;
  const values = { age_hours: Math.round(old.hours * 10) / 10 };
  if (old.hours > maxHours)
    return {
      status: 'fail',
      reason: `${a.db}: latest snapshot ${old.text} old (max ${maxHours} h)`,
      values,
    };
  return {
    status: 'ok',
    reason: `${a.db}: latest snapshot ${old.text} old (${newest.type} ${newest.id})`,
    values,
  };
}

export default defineCommand({
  name: 'rds-snapshot-age',
  summary: "Check that a database's latest snapshot is younger than max (default 24h)",
  args,
  positional: ['db'],
  readOnly: true,
  config: { targets: { databases: databasesSchema } },
  policy: { default: { approvals: 0 } },
  validate: (a: Args, targets) => databaseProblems(targets, a.db),
  permissions: readStatements,
  check: verdict,
  run: [
    step<Args>('check', 'Find the latest snapshot', async (ctx) => verdict(ctx)),
    step<Args>('report', 'Post the verdict', async ({ results, output }) => {
      const v = results.check as Verdict;
      const text = `${{ ok: '✓', warn: '⚠', fail: '✗' }[v.status]} ${v.reason}`;
      await output.post({ text, blocks: [{ type: 'text', text }] });
      return { status: v.status };
    }),
  ],
});
