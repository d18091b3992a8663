import { defineCommand, target, z } from '../src/sdk/index.ts';
import {
  DB_POLICY,
  database,
  databaseProblems,
  databases,
  databasesSchema,
  dbArn,
  dbEnvironment,
  dbResource,
  snapshotArnPattern,
} from './rds/databases.ts';
import { snapshotSteps } from './rds/snapshot.ts';

/**
 * The Drop runbook's manual snapshot (6.4, and step 3 of a production deploy): CreateDBSnapshot
 * (CreateDBClusterSnapshot for Aurora), named `opsbot-<db>-<utc>-<request id short>` and tagged
 * with the request, requester and reason; the run waits until it is `available`.
 */

const args = z.object({
  db: target('databases', 'Database to snapshot (a name under targets.databases)', {
    label: 'database',
  }),
  reason: z.string().max(200).optional().describe('Why (stored as a tag on the snapshot)'),
});
type Args = z.output<typeof args>;

export default defineCommand({
  name: 'rds-snapshot',
  summary: 'Take a manual RDS (or Aurora cluster) snapshot and wait until it is available',
  args,
  positional: ['db'],
  config: { targets: { databases: databasesSchema } },
  policy: DB_POLICY,
  environment: dbEnvironment,
  resources: (a: Args) => [dbResource(a.db)],
  validate: (a: Args, targets) => databaseProblems(targets, a.db),
  permissions: (targets, region) =>
    Object.keys(databases(targets)).flatMap((name) => {
      const { ref } = database(targets, name);
      const cluster = ref.kind === 'cluster';
      return [
        {
          actions: [
            cluster ? 'rds:CreateDBClusterSnapshot' : 'rds:CreateDBSnapshot',
            'rds:AddTagsToResource',
          ],
          resources: [dbArn(ref, region), snapshotArnPattern(name, ref, region)],
        },
        {
          actions: [cluster ? 'rds:DescribeDBClusterSnapshots' : 'rds:DescribeDBSnapshots'],
          resources: [dbArn(ref, region), snapshotArnPattern(name, ref, region)],
        },
      ];
    }),
  async plan({ args: a, targets }) {
    const db = database(targets, a.db);
    return {
      summary: `${a.db}: manual snapshot of ${db.label}`,
      details: [
        `${db.label}${db.ref.region ? ` (${db.ref.region})` : ''}`,
        ...(a.reason ? [`reason: ${a.reason}`] : []),
      ],
      facts: { kind: db.ref.kind, id: db.ref.id },
    };
  },
  run: (a: Args) => [...snapshotSteps<Args>(a.db, { reason: (x) => x.reason })],
});
