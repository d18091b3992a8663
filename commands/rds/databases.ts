import type { DatabaseRef, FileConfig, IamStatement } from '../../src/sdk/index.ts';
import { DEFAULT_APPROVER_GROUP, UserError, z } from '../../src/sdk/index.ts';

/**
 * `targets.databases.<name>`: an RDS instance (`instance_id`) or an Aurora cluster (`cluster_id`)
 * and its region; for `rotate-db-password`, the secret holding its connection string and the
 * services that read it.
 */
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1');
const identifier = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'an RDS identifier (letters, digits, hyphens)');

export const databaseSchema = z
  .object({
    instance_id: identifier.optional(),
    cluster_id: identifier.optional(),
    region: region.optional(),
    /** The Secrets Manager secret with the connection string (`postgres://user:pass@host/db`). */
    password_secret: z.string().min(1).optional(),
    /** Services (`targets.services`) restarted to pick up a new password. */
    consumers: z.array(z.string().min(1)).default([]),
    /** The endpoint (`targets.endpoints`) checked after a password change. */
    health: z.string().min(1).optional(),
    /** The environment whose policy applies (`prod` needs one approval by default). */
    environment: z.string().min(1).default('prod'),
    /** Give up waiting for a snapshot (or the instance) after this long; AWS goes on. */
    timeout_seconds: z.number().positive().default(3600),
    poll_interval_ms: z.number().int().positive().default(10_000),
  })
  .strict()
  .refine((d) => (d.instance_id ? 1 : 0) + (d.cluster_id ? 1 : 0) === 1, {
    message: 'give exactly one of instance_id or cluster_id',
  });

export const databasesSchema = z.record(z.string(), databaseSchema).default({});

export type DatabaseTarget = z.output<typeof databaseSchema>;

/** The databases section, read with its schema (the section is validated at start too). */
export function databases(targets: FileConfig['targets']): Record<string, DatabaseTarget> {
  const parsed = databasesSchema.safeParse((targets as Record<string, unknown>).databases ?? {});
  if (!parsed.success)
    throw new UserError('bad_config', `targets.databases: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export function database(targets: FileConfig['targets'], name: string) {
  const found = databases(targets)[name];
  if (!found) throw new UserError('unknown_target', `no database named ${name} in config`);
  const ref: DatabaseRef = found.instance_id
    ? { kind: 'instance', id: found.instance_id, region: found.region }
    : { kind: 'cluster', id: found.cluster_id!, region: found.region };
  return {
    ...found,
    ref,
    label: `${ref.kind === 'instance' ? 'RDS instance' : 'Aurora cluster'} ${ref.id}`,
  };
}

export function databaseProblems(targets: FileConfig['targets'], name: string) {
  const all = databases(targets);
  if (all[name]) return [];
  const known = Object.keys(all).join(', ') || 'none configured';
  return [{ field: 'db', message: `no database named ${name} (known: ${known})` }];
}

/** The resource a run on this database holds a lock on. */
export const dbResource = (name: string) => `db:${name}`;

export function dbArn(ref: DatabaseRef, region: string) {
  return `arn:aws:rds:${ref.region ?? region}:*:${ref.kind === 'cluster' ? 'cluster' : 'db'}:${ref.id}`;
}

/** The ARN pattern of the snapshots opsbot names for this database (`opsbot-<db>-…`). */
export function snapshotArnPattern(name: string, ref: DatabaseRef, region: string) {
  const type = ref.kind === 'cluster' ? 'cluster-snapshot' : 'snapshot';
  return `arn:aws:rds:${ref.region ?? region}:*:${type}:opsbot-${name}-*`;
}

/** Read-only statements (`rds-status`, `rds-snapshot-age`) for every configured database. */
export function readStatements(targets: FileConfig['targets'], region: string): IamStatement[] {
  const all = Object.keys(databases(targets)).map((name) => database(targets, name).ref);
  if (all.length === 0) return [];
  const snapshots = all.map((ref) =>
    ref.kind === 'cluster'
      ? `arn:aws:rds:${ref.region ?? region}:*:cluster-snapshot:*`
      : `arn:aws:rds:${ref.region ?? region}:*:snapshot:*`,
  );
  return [
    {
      actions: [
        ...new Set(
          all.flatMap((ref) =>
            ref.kind === 'cluster'
              ? ['rds:DescribeDBClusters', 'rds:DescribeDBClusterSnapshots']
              : ['rds:DescribeDBInstances', 'rds:DescribeDBSnapshots'],
          ),
        ),
        'rds:DescribePendingMaintenanceActions',
      ],
      resources: [...new Set([...all.map((ref) => dbArn(ref, region)), ...snapshots])],
    },
    {
      actions: ['cloudwatch:GetMetricData'],
      resources: ['*'],
      note: 'GetMetricData has no resource-level permission (FreeStorageSpace, DatabaseConnections)',
    },
  ];
}

/** `30m`, `24h`, `7d` → milliseconds. */
export const durationArg = (description: string) =>
  z
    .string()
    .regex(/^\d+(m|h|d)$/, 'a duration such as 30m, 24h or 7d')
    .transform((s) => {
      const n = Number(s.slice(0, -1));
      const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[s.slice(-1) as 'm' | 'h' | 'd'];
      return n * unit;
    })
    .describe(description);

export function age(iso: string | undefined, now = Date.now()) {
  if (!iso) return undefined;
  const hours = (now - Date.parse(iso)) / 3_600_000;
  return { hours, text: hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} d` };
}

/** The environment a request on this database runs in (its policy). */
export const dbEnvironment = (a: { db: string }, targets: FileConfig['targets']) =>
  databases(targets)[a.db]?.environment ?? 'prod';

/** Mutating database commands: one approval in prod (the approver group is named in config). */
export const DB_POLICY = {
  default: { approvals: 0 as const },
  environments: { prod: { approvals: 1 as const, approverGroups: [DEFAULT_APPROVER_GROUP] } },
};
