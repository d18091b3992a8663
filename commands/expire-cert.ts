import {
  type DataRecord,
  defineCommand,
  type FileConfig,
  PermanentError,
  type RecordCondition,
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
  recordTableStatements,
} from './lib/records.ts';
import { adminApiStatements, postAdminAction, viaAdminApi } from './records/admin-api.ts';
import { appAuditStatements } from './records/app-audit.ts';
import { followUpSteps } from './records/follow-up.ts';
import { notifyStatements } from './records/notify.ts';

/**
 * expire-cert (Mission Control playbook 5): set a certificate record to EXPIRED with an expiry
 * time. Step 1 ("confirm this is the correct cert for the correct duckling"): `duckling=` is
 * required; the plan shows the cert's owner and refuses a mismatch, and the write checks it again.
 * An already expired certificate is a no-op with a note (the plan says nothing changes).
 * `via: dynamodb`: one conditional UpdateItem that stores this request's id, so a retried run
 * recognises its own earlier write and keeps its time. `via: admin_api`: `POST /beak/admin
 * expire_cert`; a retry after a timeout reads the record before posting again.
 */

const args = z.object({
  cert_id: recordId('a certificate id such as cert_1234', 'The certificate to expire'),
  reason: operatorReason('Why'),
  duckling: recordId(
    'a duckling id such as dk_1234',
    'The duckling the certificate must belong to (shown in the plan, checked in the same write)',
  ),
});

type Args = z.output<typeof args>;

const certs = (targets: FileConfig['targets']) => recordTable(targets, 'certs');

function refuseOtherOwner(record: DataRecord, a: Args) {
  if (record.duckling_id !== a.duckling) {
    throw new UserError(
      'cert_owner_mismatch',
      `certificate ${a.cert_id} belongs to duckling ${String(record.duckling_id ?? '(none on record)')}, not ${a.duckling}; nothing was changed`,
    );
  }
}

async function expireViaAdminApi(ctx: StepContext<Args>) {
  const table = certs(ctx.targets);
  const id = ctx.args.cert_id;
  const record = await ctx.ports.records.get(table.ref(id));
  if (!record) {
    throw new UserError(
      'record_not_found',
      `no certificate ${id} in ${table.where}; nothing was changed`,
    );
  }
  refuseOtherOwner(record, ctx.args);
  if (record.status === 'EXPIRED' && ctx.plan?.facts.status === 'EXPIRED') {
    ctx.progress(`already EXPIRED since ${String(record.expires_at)}; left as it was`);
    return {
      expiresAt: String(record.expires_at),
      duckling: record.duckling_id ?? null,
      alreadyExpired: true,
    };
  }
  const out = await postAdminAction(ctx, {
    action: 'expire_cert',
    idField: 'cert_id',
    id,
    alreadyDone: async () => (await ctx.ports.records.get(table.ref(id)))?.status === 'EXPIRED',
  });
  // Step 3: "the cert record is updated with status: EXPIRED". Read it back (a consistent read).
  const now = (await ctx.ports.records.get(table.ref(id))) ?? record;
  if (now.status !== 'EXPIRED') {
    throw new PermanentError(
      'not_expired',
      `the admin API answered ok, but certificate ${id} is still ${String(now.status ?? 'without a status')} in ${table.where}. Check the app and expire it again`,
    );
  }
  return {
    expiresAt: typeof now.expires_at === 'string' ? now.expires_at : new Date().toISOString(),
    duckling: now.duckling_id ?? null,
    alreadyExpired: false,
    askedAt: out.postedAt,
  };
}

async function expire(ctx: StepContext<Args>) {
  if (viaAdminApi(ctx.targets)) return expireViaAdminApi(ctx);
  const table = certs(ctx.targets);
  const id = ctx.args.cert_id;
  const expiresAt = new Date().toISOString();
  const condition: RecordCondition = {
    exists: true,
    differs: { status: 'EXPIRED', [LAST_REQUEST]: ctx.request.id },
    equals: { duckling_id: ctx.args.duckling },
  };
  const result = await ctx.ports.records.update({
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
  if (now.status === 'EXPIRED' && now.duckling_id === ctx.args.duckling) {
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
  config: { targets: { record_actions: recordActionsSchema }, recordKinds: ['certs'] },
  ...recordCommand<Args>('certs', 'cert_id'),
  resources: (a: Args) => [`certs:${a.cert_id}`],
  permissions: (targets, region) => [
    ...recordTableStatements(targets, 'certs', region, [
      'dynamodb:GetItem',
      ...(viaAdminApi(targets) ? [] : ['dynamodb:UpdateItem']),
    ]),
    ...(recordActions(targets).notify
      ? recordTableStatements(targets, 'ducklings', region, ['dynamodb:GetItem'])
      : []),
    ...adminApiStatements(targets, region),
    ...notifyStatements(targets, region),
    ...appAuditStatements(targets, region),
  ],
  async plan({ args: a, targets, ports }) {
    const table = certs(targets);
    const record = await ports.records.get(table.ref(a.cert_id));
    if (!record) {
      throw new UserError('record_not_found', `no certificate ${a.cert_id} in ${table.where}`);
    }
    refuseOtherOwner(record, a);
    const status = String(record.status ?? 'unknown');
    const unchanged = status === 'EXPIRED';
    return {
      summary: unchanged
        ? `certificate ${a.cert_id} (duckling ${a.duckling}) is already EXPIRED since ${String(record.expires_at ?? 'an unknown time')}; nothing to change`
        : `certificate ${a.cert_id} of duckling ${a.duckling}: ${status} → EXPIRED now`,
      details: [
        table.where,
        `owner on record: duckling ${String(record.duckling_id)} (matches duckling=${a.duckling})`,
        `reason: ${a.reason}`,
        viaAdminApi(targets)
          ? 'through the admin API (POST /beak/admin expire_cert)'
          : 'written directly to DynamoDB (conditional UpdateItem)',
      ],
      facts: { status, duckling: String(record.duckling_id) },
      ...(unchanged ? { unchanged: true } : {}),
    };
  },
  run: (_a: Args, targets) => [
    step<Args>('expire', 'Set the certificate EXPIRED', expire),
    ...followUpSteps<Args>(targets, {
      event: recordActions(targets).app_audit?.events.expire_cert ?? 'duck.cert_expired',
      subject: (ctx) => ctx.args.cert_id,
      since: (ctx) => {
        const r = ctx.results.expire as { askedAt?: number; expiresAt: string };
        return r.askedAt ?? (Date.parse(r.expiresAt) || 0);
      },
      unchanged: (ctx) => (ctx.results.expire as { alreadyExpired: boolean }).alreadyExpired,
      notice: 'cert-expired',
      duckling: (ctx) =>
        (ctx.results.expire as { alreadyExpired: boolean }).alreadyExpired
          ? undefined
          : ctx.args.duckling,
      data: (ctx) => ({
        cert_id: ctx.args.cert_id,
        expires_at: (ctx.results.expire as { expiresAt: string }).expiresAt,
      }),
    }),
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
