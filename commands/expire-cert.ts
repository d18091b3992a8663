import {
  defineCommand,
  type FileConfig,
  type RecordCondition,
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
 * expire-cert (runbook 5): set a certificate record to EXPIRED with an expiry time, on condition
 * that it exists and is not EXPIRED yet (and, with `duckling=`, that it belongs to that duckling);
 * an already expired certificate is left as it was and reported as such. The write
 * stores this request's id, so a retried run recognises its own earlier write and keeps its time.
 */

const args = z.object({
  cert_id: recordId('a certificate id such as cert_1234', 'The certificate to expire'),
  reason: operatorReason('Why'),
  duckling: recordId(
    'a duckling id such as dk_1234',
    'The duckling the certificate must belong to (checked in the same write)',
  ).optional(),
});

type Args = z.output<typeof args>;

const certs = (targets: FileConfig['targets']) => recordTable(targets, 'certs');

async function expire(ctx: StepContext<Args>) {
  const table = certs(ctx.targets);
  const id = ctx.args.cert_id;
  const expiresAt = new Date().toISOString();
  const condition: RecordCondition = {
    exists: true,
    differs: { status: 'EXPIRED', [LAST_REQUEST]: ctx.request.id },
    ...(ctx.args.duckling ? { equals: { duckling_id: ctx.args.duckling } } : {}),
  };
  const result = await ctx.aws.records.update({
    ...table.ref(id),
    set: {
      status: 'EXPIRED',
      expires_at: expiresAt,
      expired_by: ctx.request.requester,
      reason: ctx.args.reason,
      [LAST_REQUEST]: ctx.request.id,
    },
    condition,
  });
  if (result.status === 'updated') {
    return { expiresAt, duckling: result.record.duckling_id ?? null, alreadyExpired: false };
  }
  const now = result.record;
  if (!now) {
    throw new UserError(
      'record_not_found',
      `no certificate ${id} in ${table.where} (key ${table.keyAttribute}); nothing was changed`,
    );
  }
  if (now[LAST_REQUEST] === ctx.request.id) {
    ctx.progress('already expired by this request');
    return {
      expiresAt: String(now.expires_at),
      duckling: now.duckling_id ?? null,
      alreadyExpired: false,
    };
  }
  if (now.status === 'EXPIRED' && (!ctx.args.duckling || now.duckling_id === ctx.args.duckling)) {
    ctx.progress(`already EXPIRED since ${String(now.expires_at)}; left as it was`);
    return {
      expiresAt: String(now.expires_at),
      duckling: now.duckling_id ?? null,
      alreadyExpired: true,
    };
  }
  throw new UserError(
    'cert_owner_mismatch',
    `certificate ${id} belongs to duckling ${String(now.duckling_id)}, not ${ctx.args.duckling}; nothing was changed`,
  );
}

export default defineCommand({
  name: 'expire-cert',
  summary: 'Force-expire a certificate: status EXPIRED with an expiry time (runbook 5)',
  args,
  positional: ['cert_id'],
  policy: { default: { approvals: 0 } },
  config: { recordKinds: ['certs'] },
  environment: (_a: Args, targets) => recordEnvironment(targets, 'certs'),
  resources: (a: Args) => [`certs:${a.cert_id}`],
  permissions: (targets, region) =>
    recordTableStatements(targets, 'certs', region, ['dynamodb:GetItem', 'dynamodb:UpdateItem']),
  validate: (_a: Args, targets) => recordTableProblems(targets, 'certs', 'cert_id'),
  async plan({ args: a, targets, aws }) {
    const table = certs(targets);
    const record = await aws.records.get(table.ref(a.cert_id));
    if (!record) {
      throw new UserError('record_not_found', `no certificate ${a.cert_id} in ${table.where}`);
    }
    return {
      summary: `certificate ${a.cert_id}: ${String(record.status ?? 'unknown')} → EXPIRED now`,
      details: [
        table.where,
        `duckling ${String(record.duckling_id ?? 'unknown')}`,
        `reason: ${a.reason}`,
      ],
      facts: { status: String(record.status ?? 'unknown') },
    };
  },
  run: [
    step<Args>('expire', 'Set the certificate EXPIRED', expire),
    step<Args>(
      'audit',
      'Record duck.cert_expired',
      async ({ args: a, request, results, record }) => {
        const expired = results.expire as {
          expiresAt: string;
          duckling: unknown;
          alreadyExpired: boolean;
        };
        record('duck.cert_expired', {
          cert_id: a.cert_id,
          duckling_id: expired.duckling,
          reason: a.reason,
          operator: request.requester,
          expires_at: expired.expiresAt,
          already_expired: expired.alreadyExpired,
        });
        return { recorded: true };
      },
    ),
  ],
});
