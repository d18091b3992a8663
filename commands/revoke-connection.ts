import {
  defineCommand,
  type FileConfig,
  type StepContext,
  step,
  UserError,
  z,
} from '../src/sdk/index.ts';
import {
  LAST_REQUEST,
  operatorReason,
  recordEnvironment,
  recordId,
  recordTable,
  recordTableProblems,
  recordTableStatements,
} from './lib/records.ts';

/**
 * revoke-connection (runbook 3): mark a connection record REVOKED so the client can no longer
 * connect. One conditional UpdateItem (the record exists and is not REVOKED) also stores this
 * request's id, so a retried run recognises its own earlier write. A connection someone else
 * already revoked is a success with a note, not a failure.
 */

const args = z.object({
  connection_id: recordId('a connection id such as conn_1234', 'The connection to revoke'),
  reason: operatorReason('Why (kept in the operator notes)'),
});

type Args = z.output<typeof args>;

const connections = (targets: FileConfig['targets']) => recordTable(targets, 'connections');

interface Revoked {
  revokedAt: string;
  revokedBy: string;
  alreadyRevoked: boolean;
}

async function revoke(ctx: StepContext<Args>): Promise<Revoked> {
  const table = connections(ctx.targets);
  const id = ctx.args.connection_id;
  const revokedAt = new Date().toISOString();
  const result = await ctx.aws.records.update({
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
  if (result.status === 'updated')
    return { revokedAt, revokedBy: ctx.request.requester, alreadyRevoked: false };
  const now = result.record;
  if (!now) {
    throw new UserError(
      'record_not_found',
      `no connection ${id} in ${table.where} (key ${table.keyAttribute})`,
    );
  }
  const earlier = { revokedAt: String(now.revoked_at), revokedBy: String(now.revoked_by) };
  if (now[LAST_REQUEST] === ctx.request.id) return { ...earlier, alreadyRevoked: false };
  ctx.progress(`already revoked at ${earlier.revokedAt} by ${earlier.revokedBy}`);
  return { ...earlier, alreadyRevoked: true };
}

export default defineCommand({
  name: 'revoke-connection',
  summary: 'Mark a connection REVOKED so its client can no longer connect (runbook 3)',
  args,
  positional: ['connection_id'],
  policy: { default: { approvals: 0 }, environments: { prod: { approvals: 1 } } },
  config: { recordKinds: ['connections'] },
  environment: (_a: Args, targets) => recordEnvironment(targets, 'connections'),
  resources: (a: Args) => [`connections:${a.connection_id}`],
  permissions: (targets, region) =>
    recordTableStatements(targets, 'connections', region, [
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
    ]),
  validate: (_a: Args, targets) => recordTableProblems(targets, 'connections', 'connection_id'),
  async plan({ args: a, targets, aws }) {
    const table = connections(targets);
    const record = await aws.records.get(table.ref(a.connection_id));
    if (!record) {
      throw new UserError('record_not_found', `no connection ${a.connection_id} in ${table.where}`);
    }
    const status = String(record.status ?? 'unknown');
    return {
      summary:
        status === 'REVOKED'
          ? `connection ${a.connection_id} is already REVOKED; nothing to change`
          : `connection ${a.connection_id}: ${status} → REVOKED`,
      details: [table.where, `reason: ${a.reason}`],
      facts: { status },
    };
  },
  run: [
    step<Args>('revoke', 'Mark the connection REVOKED', revoke),
    step<Args>(
      'operator-note',
      'Record the operator note',
      async ({ args: a, results, record }) => {
        const revoked = results.revoke as Revoked;
        const note = {
          connection_id: a.connection_id,
          reason: a.reason,
          operator: revoked.revokedBy,
          at: revoked.revokedAt,
          already_revoked: revoked.alreadyRevoked,
        };
        record('operator.note', { ...note, action: 'revoke-connection' });
        if (!revoked.alreadyRevoked) record('connection.revoked', note);
        return { recorded: true, alreadyRevoked: revoked.alreadyRevoked };
      },
    ),
  ],
});
