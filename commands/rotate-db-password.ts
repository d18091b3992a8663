import {
  currentVersion,
  defineCommand,
  type FileConfig,
  generateSecretValue,
  PermanentError,
  type Ports,
  requestToken,
  type Step,
  type StepContext,
  step,
  target,
  UserError,
  z,
} from '../src/sdk/index.ts';
import { verdictOf } from './health/verdict.ts';
import { probeEndpoint } from './health.ts';
import {
  DB_POLICY,
  database,
  databasesSchema,
  dbArn,
  dbEnvironment,
  dbResource,
} from './rds/databases.ts';
import { rdsOf } from './rds/need.ts';
import { restartPermissions, restartSteps } from './restart/steps.ts';
import { makeKeyCurrent } from './rotate-key/secret.ts';

/**
 * The Drop runbook's DB password rotation (5.2) in a safe order:
 * 1. stage: a new password (never shown) goes into the connection-string secret as AWSPENDING,
 *    only its password part changed (consumers reading AWSCURRENT keep the old one);
 * 2. apply: ModifyDBInstance / ModifyDBCluster `MasterUserPassword`, `ApplyImmediately`;
 * 3. wait until the database is `available` again;
 * 4. make the staged version AWSCURRENT;
 * 5. restart the configured consumers; 6. health, when configured.
 *
 * The password is never in a step result: each step reads it back from the AWSPENDING version this
 * request wrote (its ClientRequestToken comes from the request id). A retry therefore applies the
 * same password, and never generates a second one once the first was applied. Each failure says
 * which state the database and the secret are in.
 */

const args = z.object({
  db: target('databases', 'Database whose master password to rotate', { label: 'database' }),
});
type Args = z.output<typeof args>;
type Ctx = StepContext<Args>;

function where(targets: FileConfig['targets'], name: string) {
  const db = database(targets, name);
  if (!db.password_secret)
    throw new UserError(
      'no_password_secret',
      `targets.databases.${name}.password_secret is not set`,
    );
  return { db, secretId: db.password_secret, region: db.region };
}

const tokenOf = (ctx: { request: { id: string } }) =>
  requestToken(ctx.request.id, 'rotate-db-password');

/** The connection string with only its password replaced (`postgres://user:<new>@host/db`). */
export function withPassword(connection: string, password: string): string {
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw new PermanentError(
      'not_a_connection_string',
      'the secret does not hold a connection URL (scheme://user:password@host/db); nothing was changed',
    );
  }
  if (!url.username)
    throw new PermanentError(
      'not_a_connection_string',
      'the connection URL in the secret names no user; nothing was changed',
    );
  url.password = encodeURIComponent(password);
  return url.toString();
}

/**
 * The password of a connection URL. A value that is not one fails naming no part of it: Node's
 * URL error carries the whole input (`input`), here a connection string with its password.
 */
export function passwordOf(connection: string): string {
  try {
    return decodeURIComponent(new URL(connection).password);
  } catch {
    throw new PermanentError(
      'not_a_connection_string',
      'the staged secret value is not a connection URL (scheme://user:password@host/db)',
    );
  }
}

async function stagedPassword(ports: Ports, w: ReturnType<typeof where>, token: string) {
  const value = await ports.secrets.readVersion({
    secretId: w.secretId,
    versionId: token,
    region: w.region,
  });
  return passwordOf(value);
}

/** Runs a step; a failure says which state the system is in and what a retry does. */
function guarded(
  name: string,
  title: string,
  state: string,
  run: (ctx: Ctx) => Promise<unknown>,
): Step<Args> {
  return step<Args>(name, title, async (ctx) => {
    try {
      return await run(ctx);
    } catch (error) {
      // Same error (a throttled call is still retried), with the state the system is left in.
      const e = error instanceof Error ? error : new Error(String(error));
      e.message = `${e.message}. State: ${state}`;
      throw e;
    }
  });
}

function healthStep(endpoint: string) {
  return guarded(
    'health',
    `Check ${endpoint} health`,
    'the database and AWSCURRENT both hold the new password and the consumers were restarted; the service is not healthy — check it',
    async (ctx) => {
      const verdict = verdictOf(
        endpoint,
        await probeEndpoint({ ...ctx, args: { service: endpoint } }),
      );
      if (verdict.status === 'fail') throw new PermanentError('health_failed', verdict.reason);
      return verdict;
    },
  );
}

export default defineCommand({
  name: 'rotate-db-password',
  summary:
    'Rotate a database master password: staged in its secret, applied, made current, consumers restarted',
  args,
  positional: ['db'],
  config: { targets: { databases: databasesSchema } },
  policy: DB_POLICY,
  environment: dbEnvironment,
  resources: (a: Args) => [dbResource(a.db)],
  validate(a: Args, targets) {
    const db = database(targets, a.db);
    const problems: { field: string; message: string }[] = [];
    if (!db.password_secret)
      problems.push({
        field: 'db',
        message: `targets.databases.${a.db}.password_secret is not set (the secret with the connection string)`,
      });
    for (const c of db.consumers)
      if (!Object.hasOwn(targets.services, c))
        problems.push({ field: 'db', message: `consumer ${c} is not under targets.services` });
    return problems;
  },
  permissions(targets, region) {
    return Object.entries(
      (targets as Record<string, Record<string, { password_secret?: string }>>).databases ?? {},
    )
      .filter(([, d]) => d.password_secret)
      .flatMap(([name]) => {
        const db = database(targets, name);
        const r = db.region ?? region;
        return [
          {
            actions: [
              db.ref.kind === 'cluster' ? 'rds:ModifyDBCluster' : 'rds:ModifyDBInstance',
              db.ref.kind === 'cluster' ? 'rds:DescribeDBClusters' : 'rds:DescribeDBInstances',
            ],
            resources: [dbArn(db.ref, region)],
          },
          {
            actions: [
              'secretsmanager:DescribeSecret',
              'secretsmanager:GetSecretValue',
              'secretsmanager:PutSecretValue',
              'secretsmanager:UpdateSecretVersionStage',
            ],
            resources: [`arn:aws:secretsmanager:${r}:*:secret:${db.password_secret}-??????`],
          },
          ...restartPermissions(
            db.consumers.map((c) => targets.services[c]!),
            region,
          ),
        ];
      });
  },
  async plan({ args: a, targets }) {
    const w = where(targets, a.db);
    return {
      summary: `${a.db}: new master password (${w.db.label})`,
      details: [
        `staged AWSPENDING in ${w.secretId}, applied with ApplyImmediately, then made AWSCURRENT`,
        w.db.consumers.length
          ? `then restart ${w.db.consumers.join(', ')}`
          : 'no consumers to restart',
      ],
      facts: { secret: w.secretId, db: w.db.ref.id },
    };
  },
  run: (a: Args, targets) => {
    const db = database(targets, a.db);
    return [
      guarded(
        'stage',
        'Stage a new password (AWSPENDING)',
        'nothing changed yet: the database and AWSCURRENT still hold the old password; a retry starts again',
        async (ctx) => {
          const w = where(ctx.targets, a.db);
          const token = tokenOf(ctx);
          const info = await ctx.ports.secrets.describe({ secretId: w.secretId, region: w.region });
          if (!info) throw new UserError('aws_not_found', `no secret ${w.secretId}`);
          if (info.versions[token]) {
            ctx.progress('found the password this request already staged');
            return { versionId: token, reused: true };
          }
          const current = currentVersion(info);
          if (!current)
            throw new PermanentError('no_current', `${w.secretId} has no AWSCURRENT version`);
          const connection = await ctx.ports.secrets.readVersion({
            secretId: w.secretId,
            versionId: current,
            region: w.region,
          });
          const value = withPassword(connection, generateSecretValue(32, 'alphanumeric'));
          await ctx.ports.secrets.putValue({
            secretId: w.secretId,
            value,
            clientRequestToken: token,
            pending: true,
            region: w.region,
          });
          return { versionId: token, reused: false };
        },
      ),
      guarded(
        'apply',
        'Set the master password on the database',
        'the new password is staged AWSPENDING only; the database may or may not have it yet, consumers still read the old one from AWSCURRENT; a retry applies the same staged password',
        async (ctx) => {
          const w = where(ctx.targets, a.db);
          const password = await stagedPassword(ctx.ports, w, tokenOf(ctx));
          await rdsOf(ctx.ports).setMasterPassword(w.db.ref, password);
          ctx.record('rds.master_password_set', { db: a.db });
          return { applied: true };
        },
      ),
      guarded(
        'wait-available',
        'Wait until the database is available',
        'the database is taking the NEW password; AWSCURRENT still has the old one, so new connections fail until a retry makes the staged version current',
        async (ctx) => {
          const w = where(ctx.targets, a.db);
          const deadline = Date.now() + w.db.timeout_seconds * 1000;
          for (;;) {
            const info = await rdsOf(ctx.ports).describe(w.db.ref);
            ctx.progress(info.status);
            if (
              info.status === 'available' &&
              !info.pendingModified?.includes('MasterUserPassword')
            )
              return { status: info.status };
            if (Date.now() >= deadline)
              throw new PermanentError(
                'db_not_available',
                `${a.db} still ${info.status} after ${w.db.timeout_seconds} s`,
              );
            await new Promise((resolve) => setTimeout(resolve, w.db.poll_interval_ms));
          }
        },
      ),
      guarded(
        'make-current',
        'Make the new password current (AWSCURRENT)',
        'the database has the NEW password but AWSCURRENT still holds the old one: consumers fail on reconnect; retry now to make the staged version current',
        async (ctx) => {
          const w = where(ctx.targets, a.db);
          return makeKeyCurrent(ctx, {
            secretId: w.secretId,
            region: w.region,
            token: tokenOf(ctx),
          });
        },
      ),
      ...db.consumers.flatMap((c) =>
        restartSteps<Args>(c, { prefix: `${c}:`, titlePrefix: `Restart ${c}: ` }),
      ),
      ...(db.health ? [healthStep(db.health)] : []),
    ];
  },
});
