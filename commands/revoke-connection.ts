import {
  type DataRecord,
  DEFAULT_APPROVER_GROUP,
  defineCommand,
  type FileConfig,
  PermanentError,
  type StepContext,
  step,
  UserError,
  z,
} from '../src/sdk/index.ts';
import { recordActions, recordActionsSchema } from './lib/record-actions.ts';
import { recordCommand } from './lib/record-command.ts';
import {
  LAST_REQUEST,
  operatorReason,
  recordId,
  recordTable,
  recordTableProblems,
  recordTableStatements,
} from './lib/records.ts';
import { adminApiStatements, postAdminAction, viaAdminApi } from './records/admin-api.ts';
import { appAuditStatements } from './records/app-audit.ts';
import { checkBondedList } from './records/bonded.ts';
import { followUpSteps } from './records/follow-up.ts';
import { notifyStatements } from './records/notify.ts';
import { resolveConnection } from './records/spaceduck.ts';

/**
 * revoke-connection (Mission Control playbook 3): mark a connection REVOKED so the spaceduck can
 * no longer pulse. The connection is named by its id or by `spaceduck=<id>` (looked up through the
 * connections table's index); the plan names the duckling it belongs to. `via: dynamodb`: one
 * conditional UpdateItem (the record exists and is not REVOKED) that also stores this request's
 * id, so a retried run recognises its own write. `via: admin_api`: `POST /beak/admin
 * revoke_connection`. Then (step 4) the duckling's bonded list must no longer hold the spaceduck:
 * in dynamodb mode it is removed with a conditional UpdateItem. A connection that is already
 * REVOKED needs no approval: the plan says nothing changes, and the run only reports.
 */

const args = z.object({
  connection_id: recordId(
    'a connection id such as conn_1234',
    'The connection to revoke',
  ).optional(),
  spaceduck: recordId(
    'a spaceduck id such as sd_1234',
    'Or: the spaceduck whose connection is revoked (looked up by index)',
  ).optional(),
  reason: operatorReason('Why (kept in the operator notes)'),
});

type Args = z.output<typeof args>;
type Ctx = StepContext<Args>;

const connections = (targets: FileConfig['targets']) => recordTable(targets, 'connections');

interface Revoked {
  connectionId: string;
  revokedAt: string;
  revokedBy: string;
  alreadyRevoked: boolean;
  askedAt: number;
  duckling: string | null;
  spaceduck: string | null;
}

/** The connection this run acts on: planned, or looked up again (a run without a plan). */
async function target(ctx: Ctx): Promise<{ id: string; record: DataRecord | undefined }> {
  const planned = ctx.plan?.facts.connection_id;
  if (typeof planned === 'string') {
    return {
      id: planned,
      record: await ctx.ports.records.get(connections(ctx.targets).ref(planned)),
    };
  }
  return resolveConnection(ctx, ctx.args);
}

function owner(record: DataRecord | undefined, targets: FileConfig['targets']) {
  const spaceduck = record?.[recordActions(targets).spaceduck_attribute];
  return {
    duckling: typeof record?.duckling_id === 'string' ? record.duckling_id : null,
    spaceduck: typeof spaceduck === 'string' ? spaceduck : null,
  };
}

async function revokeInTable(ctx: Ctx, id: string) {
  const table = connections(ctx.targets);
  const revokedAt = new Date().toISOString();
  const result = await ctx.ports.records.update({
    ...table.ref(id),
    set: {
      status: 'REVOKED',
      revoked_at: revokedAt,
      revoked_by: ctx.request.requester,
      reason: ctx.args.reason,
      [LAST_REQUEST]: ctx.request.id,
    },
    condition: { exists: true, differs: { status: 'REVOKED' } },
  });
  if (result.status === 'updated') {
    return {
      revokedAt,
      revokedBy: ctx.request.requester,
      alreadyRevoked: false,
      now: result.record,
    };
  }
  const now = result.record;
  if (!now) {
    throw new UserError(
      'record_not_found',
      `no connection ${id} in ${table.where} (key ${table.keyAttribute})`,
    );
  }
  const earlier = { revokedAt: String(now.revoked_at), revokedBy: String(now.revoked_by), now };
  if (now[LAST_REQUEST] === ctx.request.id) return { ...earlier, alreadyRevoked: false };
  ctx.progress(`already revoked at ${earlier.revokedAt} by ${earlier.revokedBy}`);
  return { ...earlier, alreadyRevoked: true };
}

async function revokeViaAdminApi(ctx: Ctx, id: string, record: DataRecord | undefined) {
  const table = connections(ctx.targets);
  if (!record) {
    throw new UserError('record_not_found', `no connection ${id} in ${table.where}`);
  }
  if (record.status === 'REVOKED' && ctx.plan?.facts.status === 'REVOKED') {
    ctx.progress(`already revoked at ${String(record.revoked_at)}; nothing sent`);
    return {
      revokedAt: String(record.revoked_at),
      revokedBy: String(record.revoked_by ?? 'unknown'),
      alreadyRevoked: true,
      now: record,
    };
  }
  const out = await postAdminAction(ctx, {
    action: 'revoke_connection',
    idField: 'connection_id',
    id,
    alreadyDone: async () => (await ctx.ports.records.get(table.ref(id)))?.status === 'REVOKED',
  });
  // Step 4: "the connection should no longer appear as active". The answer alone is not enough:
  // read the record back (a consistent read) and fail if the app left the connection usable.
  const now = (await ctx.ports.records.get(table.ref(id))) ?? record;
  if (now.status !== 'REVOKED') {
    throw new PermanentError(
      'not_revoked',
      `the admin API answered ok, but connection ${id} is still ${String(now.status ?? 'without a status')} in ${table.where}: its spaceduck may still connect. Check the app (/admin.html) and revoke it again`,
    );
  }
  return {
    revokedAt: typeof now.revoked_at === 'string' ? now.revoked_at : new Date().toISOString(),
    revokedBy: ctx.request.requester,
    alreadyRevoked: false,
    now,
    askedAt: out.postedAt,
  };
}

async function revoke(ctx: Ctx): Promise<Revoked> {
  const { id, record } = await target(ctx);
  const done = viaAdminApi(ctx.targets)
    ? await revokeViaAdminApi(ctx, id, record)
    : await revokeInTable(ctx, id);
  return {
    connectionId: id,
    revokedAt: done.revokedAt,
    revokedBy: done.revokedBy,
    alreadyRevoked: done.alreadyRevoked,
    // The POST's time (admin API), else the write's own time: the same again on a retry.
    askedAt: (done as { askedAt?: number }).askedAt ?? (Date.parse(done.revokedAt) || 0),
    ...owner(done.now ?? record, ctx.targets),
  };
}

const revoked = (ctx: Ctx) => ctx.results.revoke as Revoked;

export default defineCommand({
  name: 'revoke-connection',
  summary: 'Mark a connection REVOKED so its spaceduck can no longer connect (runbook 3)',
  args,
  positional: ['connection_id'],
  policy: {
    default: { approvals: 0 },
    environments: { prod: { approvals: 1, approverGroups: [DEFAULT_APPROVER_GROUP] } },
  },
  config: { targets: { record_actions: recordActionsSchema }, recordKinds: ['connections'] },
  ...recordCommand<Args>('connections', 'connection_id'),
  resources: (a: Args) => [
    a.connection_id ? `connections:${a.connection_id}` : `spaceducks:${a.spaceduck}`,
  ],
  permissions(targets, region) {
    const r = recordActions(targets);
    const statements = [
      ...recordTableStatements(targets, 'connections', region, [
        'dynamodb:GetItem',
        ...(viaAdminApi(targets) ? [] : ['dynamodb:UpdateItem']),
      ]),
      ...recordTableStatements(targets, 'ducklings', region, [
        'dynamodb:GetItem',
        ...(viaAdminApi(targets) ? [] : ['dynamodb:UpdateItem']),
      ]),
      ...adminApiStatements(targets, region),
      ...notifyStatements(targets, region),
      ...appAuditStatements(targets, region),
    ];
    if (r.spaceduck_index) {
      const [table] = recordTableStatements(targets, 'connections', region, ['dynamodb:Query']);
      if (table) {
        statements.push({
          actions: ['dynamodb:Query'],
          resources: table.resources.map((arn) => `${arn}/index/${r.spaceduck_index}`),
        });
      }
    }
    return statements;
  },
  validate(a: Args, targets) {
    const problems = recordTableProblems(targets, 'connections', 'connection_id');
    if (!a.connection_id === !a.spaceduck) {
      problems.push({
        field: 'connection_id',
        message: 'name the connection (connection_id) or the spaceduck (spaceduck=<id>), not both',
      });
    }
    if (a.spaceduck && !recordActions(targets).spaceduck_index) {
      problems.push({
        field: 'spaceduck',
        message: 'spaceduck= needs recordActions(targets).spaceduck_index (the connections index)',
      });
    }
    return problems;
  },
  async plan(ctx) {
    const { args: a, targets } = ctx;
    const table = connections(targets);
    const { id, record } = await resolveConnection(ctx, a);
    if (!record) throw new UserError('record_not_found', `no connection ${id} in ${table.where}`);
    const status = String(record.status ?? 'unknown');
    const { duckling, spaceduck } = owner(record, targets);
    const who = `duckling ${duckling ?? '(none on record)'}${spaceduck ? `, spaceduck ${spaceduck}` : ''}`;
    const unchanged = status === 'REVOKED';
    return {
      summary: unchanged
        ? `connection ${id} (${who}) is already REVOKED; nothing to change, so no approval is needed`
        : `connection ${id} (${who}): ${status} → REVOKED`,
      details: [
        table.where,
        `reason: ${a.reason}`,
        viaAdminApi(targets)
          ? 'through the admin API (POST /beak/admin revoke_connection)'
          : 'written directly to DynamoDB (conditional UpdateItem)',
        `then: the spaceduck must be absent from duckling ${duckling ?? '?'}'s bonded list`,
      ],
      facts: { status, connection_id: id },
      ...(unchanged ? { unchanged: true } : {}),
    };
  },
  run: (_a: Args, targets) => [
    step<Args>('revoke', 'Mark the connection REVOKED', revoke),
    step<Args>(
      'bonded-list',
      "Check the spaceduck is gone from the duckling's bonded list",
      (ctx) => checkBondedList(ctx, revoked(ctx)),
    ),
    ...followUpSteps<Args>(targets, {
      event: recordActions(targets).app_audit?.events.revoke_connection ?? '',
      subject: (ctx) => revoked(ctx).connectionId,
      since: (ctx) => revoked(ctx).askedAt,
      unchanged: (ctx) => revoked(ctx).alreadyRevoked,
      notice: 'connection-revoked',
      duckling: (ctx) =>
        revoked(ctx).alreadyRevoked ? undefined : (revoked(ctx).duckling ?? undefined),
      data: (ctx) => ({
        connection_id: revoked(ctx).connectionId,
        revoked_at: revoked(ctx).revokedAt,
      }),
    }),
    step<Args>(
      'operator-note',
      'Record the operator note',
      async ({ args: a, results, record }) => {
        const r = results.revoke as Revoked;
        const note = {
          connection_id: r.connectionId,
          reason: a.reason,
          operator: r.revokedBy,
          at: r.revokedAt,
          already_revoked: r.alreadyRevoked,
        };
        record('operator.note', { ...note, action: 'revoke-connection' });
        if (!r.alreadyRevoked) record('connection.revoked', note);
        return { recorded: true, alreadyRevoked: r.alreadyRevoked };
      },
    ),
  ],
});
