import {
  type DataRecord,
  DEFAULT_APPROVER_GROUP,
  defineCommand,
  type FileConfig,
  generateApiKey,
  PermanentError,
  type StepContext,
  sha256Hex,
  step,
  UserError,
  z,
} from '../src/sdk/index.ts';
import { recordActions, recordActionsSchema } from './lib/record-actions.ts';
import {
  LAST_REQUEST,
  type RecordTable,
  recordEnvironment,
  recordId,
  recordTable,
  recordTableProblems,
  recordTableStatements,
} from './lib/records.ts';
import { adminApiStatements, postAdminAction, viaAdminApi } from './records/admin-api.ts';
import { appAuditStatements } from './records/app-audit.ts';
import { followUpSteps } from './records/follow-up.ts';
import { notifyStatements } from './records/notify.ts';
import {
  type Delivery,
  deliveryOf,
  deliveryPlan,
  destination,
  keyVersion,
  rotateKeySchema,
  secretIdOf,
  unusedKey,
} from './rotate-key/delivery.ts';
import { makeKeyCurrent, stageKey } from './rotate-key/secret.ts';

/**
 * rotate-key (runbook 2): issue a new API key for an ACTIVE duckling and invalidate the old one.
 *
 * The plaintext key lives only in memory and goes to ONE place chosen in config
 * (`deliveryOf(targets).deliver`): a Secrets Manager secret, or an ephemeral message to the
 * requester. Only its SHA-256 hash and key id are stored, in the same conditional UpdateItem that
 * overwrites (invalidates) the old hash. Step results (checkpointed in Redis) never hold the key.
 *
 * Secrets Manager delivery follows AWS's rotation protocol (see rotate-key/secret.ts): the key is
 * staged AWSPENDING, activated in DynamoDB, and only then made AWSCURRENT (step `make-current`).
 * Consumers reading AWSCURRENT never get a key the API does not accept yet. A secret that does not
 * exist yet is created with the key as AWSCURRENT: there is no older key anyone depends on.
 *
 * Crash safety (a worker can die between any two lines; the run is then retried):
 * - The key is delivered BEFORE it is activated in DynamoDB, so an active key always has a
 *   delivered plaintext. The activating UpdateItem stores this request's id in `last_request_id`;
 *   a retry that finds it there knows the key is already active and delivered, and does not write
 *   again; `make-current` still runs, so a key activated but not yet AWSCURRENT is made current.
 * - Secrets Manager: the value is written with a ClientRequestToken derived from the request id.
 *   A retry that finds a version with that token (AWSPENDING, or AWSCURRENT for a new secret)
 *   reads the value back (GetSecretValue on that version) and activates that same key, so the
 *   owner's stored key is the one that works.
 * - `make-current` moves AWSCURRENT only while DynamoDB still holds this request's key, so a late
 *   retry never makes current a key that a later rotation has already replaced.
 * - Ephemeral: a message cannot be read back. A retry before activation issues a fresh key and
 *   says that it replaces any key shown earlier for this request; the earlier key was never
 *   activated, so nothing that leaked or got lost can ever work.
 * - Deriving the key again from the request id (deterministic regeneration) is deliberately not
 *   done: anyone who knows the derivation input and the scheme could recompute a live key.
 */

const args = z.object({
  duckling_id: recordId('a duckling id such as dk_1234', 'The duckling whose API key is rotated'),
});

type Args = z.output<typeof args>;
type Ctx = StepContext<Args>;

const ducklings = (targets: FileConfig['targets']) => recordTable(targets, 'ducklings');

/** The public id of a key: a hash of the key under its own label (not the stored hash). */
const keyIdOf = (key: string) => `key_${sha256Hex(`opsbot key id:${key}`).slice(0, 16)}`;

async function readDuckling(ctx: Ctx, table: RecordTable) {
  const record = await ctx.ports.records.get(table.ref(ctx.args.duckling_id));
  if (!record) {
    throw new UserError(
      'record_not_found',
      `no duckling ${ctx.args.duckling_id} in ${table.where} (key ${table.keyAttribute})`,
    );
  }
  return record;
}

function refuseUnlessActive(record: DataRecord, id: string) {
  if (record.status !== 'ACTIVE') {
    throw new UserError(
      'account_not_active',
      `duckling ${id} is ${String(record.status ?? 'without a status')}, not ACTIVE; its key was not rotated`,
    );
  }
}

/** Gets the key to the one configured place (AWSPENDING in a secret). Returns it (in memory only). */
async function deliverKey(ctx: Ctx): Promise<string> {
  const version = keyVersion(deliveryOf(ctx.targets), ctx.args.duckling_id, ctx.request.id);
  if (version) return stageKey(ctx, version);
  const key = generateApiKey();
  await ctx.output.toRequester({
    text: `New API key for duckling ${ctx.args.duckling_id} (shown once, only to you)`,
    blocks: [
      {
        type: 'text',
        text: `New API key for duckling *${ctx.args.duckling_id}* (key id ${keyIdOf(key)}). Store it now: it is shown once, only to you, and works once the run says done.`,
      },
      { type: 'code', text: key },
      {
        type: 'context',
        text: 'If an earlier message showed another key for this request, discard it: only this one works.',
      },
    ],
  });
  return key;
}

async function rotate(ctx: Ctx) {
  const table = ducklings(ctx.targets);
  const id = ctx.args.duckling_id;
  const before = await readDuckling(ctx, table);
  const deliveredTo = destination(deliveryOf(ctx.targets), id);
  if (before[LAST_REQUEST] === ctx.request.id) {
    ctx.progress('this request already activated its key');
    return { keyId: before.key_id, rotatedAt: before.rotated_at, deliveredTo, already: true };
  }
  refuseUnlessActive(before, id);
  const key = await deliverKey(ctx);
  const keyId = keyIdOf(key);
  const rotatedAt = new Date().toISOString();
  const oldHash = typeof before.key_hash === 'string' ? before.key_hash : undefined;
  const result = await ctx.ports.records.update({
    ...table.ref(id),
    // Overwriting key_hash invalidates the old key in this same conditional write.
    set: {
      key_hash: sha256Hex(key),
      key_id: keyId,
      rotated_at: rotatedAt,
      rotated_by: ctx.request.requester,
      [LAST_REQUEST]: ctx.request.id,
    },
    condition: {
      exists: true,
      equals: { status: 'ACTIVE', ...(oldHash ? { key_hash: oldHash } : {}) },
      absent: oldHash ? [] : ['key_hash'],
    },
  });
  if (result.status === 'updated') {
    return { keyId, previousKeyId: before.key_id ?? null, rotatedAt, deliveredTo, already: false };
  }
  return explainFailedRotation(ctx, result.record, table, deliveredTo);
}

function explainFailedRotation(
  ctx: Ctx,
  now: DataRecord | undefined,
  table: RecordTable,
  deliveredTo: string,
) {
  const id = ctx.args.duckling_id;
  if (now?.[LAST_REQUEST] === ctx.request.id) {
    return { keyId: now.key_id, rotatedAt: now.rotated_at, deliveredTo, already: true };
  }
  const unused = unusedKey(deliveryOf(ctx.targets), deliveredTo);
  if (!now)
    throw new UserError('record_not_found', `no duckling ${id} in ${table.where}. ${unused}`);
  if (now.status !== 'ACTIVE') {
    throw new UserError(
      'account_not_active',
      `duckling ${id} became ${String(now.status)} while this ran. ${unused}`,
    );
  }
  throw new PermanentError(
    'key_changed_concurrently',
    `the key of duckling ${id} was changed by someone else while this ran (now ${String(now.key_id)}). ${unused}`,
  );
}

/**
 * `via: admin_api` (playbook 2 steps 2–3): the app rotates the key itself (it generates, stores
 * and hands out the key; the bot never sees it). A retry after a timeout first reads the record:
 * a key id or rotation time other than the planned one means the earlier POST took effect.
 */
async function rotateViaAdminApi(ctx: Ctx) {
  const table = ducklings(ctx.targets);
  const id = ctx.args.duckling_id;
  const planned = ctx.plan?.facts ?? {};
  const changed = (record: DataRecord | undefined) =>
    record !== undefined &&
    ((record.key_id ?? null) !== (planned.key_id ?? null) ||
      (record.rotated_at ?? null) !== (planned.rotated_at ?? null));
  const asked = Date.now();
  const out = await postAdminAction(ctx, {
    action: 'rotate_key',
    idField: 'duckling_id',
    id,
    alreadyDone: async () => changed(await ctx.ports.records.get(table.ref(id))),
  });
  const after = await ctx.ports.records.get(table.ref(id));
  return {
    keyId: after?.key_id ?? null,
    previousKeyId: planned.key_id ?? null,
    rotatedAt: typeof after?.rotated_at === 'string' ? after.rotated_at : new Date().toISOString(),
    deliveredTo: 'the app (admin API rotate_key; the bot never sees the key)',
    already: out.already,
    askedAt: out.postedAt ?? asked,
  };
}

/**
 * Makes the activated key AWSCURRENT, but only while DynamoDB still holds it: a retry that comes
 * after a later rotation must not make a replaced key current again.
 */
async function makeCurrent(ctx: Ctx) {
  const version = keyVersion(deliveryOf(ctx.targets), ctx.args.duckling_id, ctx.request.id);
  if (!version) return { current: false, reason: 'keys are not delivered to Secrets Manager' };
  const record = await readDuckling(ctx, ducklings(ctx.targets));
  if (record[LAST_REQUEST] !== ctx.request.id) {
    ctx.progress('a later rotation replaced this key; Secrets Manager left as it is');
    return { current: false, replaced: true };
  }
  const out = await makeKeyCurrent(ctx, version);
  if (!out.moved) ctx.progress('the new key was already AWSCURRENT');
  return { current: true, ...out };
}

const rotateStep = (delivery: Delivery, targets: FileConfig['targets']) =>
  viaAdminApi(targets)
    ? step<Args>(
        'rotate-key',
        'Ask the admin API to rotate the key (POST /beak/admin rotate_key)',
        rotateViaAdminApi,
      )
    : step<Args>(
        'rotate-key',
        delivery.deliver === 'secrets_manager'
          ? 'Stage the new key as AWSPENDING, then activate it (the old key stops working)'
          : 'Deliver the new key and invalidate the old one',
        rotate,
      );

const makeCurrentStep = step<Args>(
  'make-current',
  'Make the new key current in Secrets Manager (AWSCURRENT)',
  makeCurrent,
);

export default defineCommand({
  name: 'rotate-key',
  summary: 'Issue a new API key for a duckling and invalidate the old one (runbook 2)',
  args,
  positional: ['duckling_id'],
  policy: {
    default: { approvals: 0 },
    environments: { prod: { approvals: 1, approverGroups: [DEFAULT_APPROVER_GROUP] } },
  },
  config: {
    targets: { rotate_key: rotateKeySchema, record_actions: recordActionsSchema },
    recordKinds: ['ducklings'],
  },
  environment: (_a: Args, targets) => recordEnvironment(targets, 'ducklings'),
  resources: (a: Args) => [`ducklings:${a.duckling_id}`],
  permissions(targets, region) {
    const statements = recordTableStatements(targets, 'ducklings', region, [
      'dynamodb:GetItem',
      ...(viaAdminApi(targets) ? [] : ['dynamodb:UpdateItem']),
    ]);
    statements.push(
      ...adminApiStatements(targets, region),
      ...notifyStatements(targets, region),
      ...appAuditStatements(targets, region),
    );
    const delivery = deliveryOf(targets);
    if (delivery.deliver === 'secrets_manager' && !viaAdminApi(targets)) {
      const pattern = secretIdOf(delivery.path, '*');
      statements.push({
        actions: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:CreateSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        resources: [
          `arn:aws:secretsmanager:${delivery.region ?? region}:*:secret:${pattern}-??????`,
        ],
      });
    }
    return statements;
  },
  validate: (_a: Args, targets) => recordTableProblems(targets, 'ducklings', 'duckling_id'),
  async plan(ctx) {
    const table = ducklings(ctx.targets);
    const record = await ctx.ports.records.get(table.ref(ctx.args.duckling_id));
    if (!record) {
      throw new UserError(
        'record_not_found',
        `no duckling ${ctx.args.duckling_id} in ${table.where}`,
      );
    }
    refuseUnlessActive(record, ctx.args.duckling_id);
    const keyId = typeof record.key_id === 'string' ? record.key_id : null;
    const admin = viaAdminApi(ctx.targets);
    return {
      summary: `duckling ${ctx.args.duckling_id}: replace key ${keyId ?? '(none)'} with a new one`,
      details: [
        `${table.where}, status ${String(record.status)}`,
        ...(admin
          ? [
              'through the admin API (POST /beak/admin rotate_key): the app generates and delivers the key',
            ]
          : deliveryPlan(deliveryOf(ctx.targets), ctx.args.duckling_id)),
      ],
      facts: {
        status: String(record.status),
        key_id: keyId,
        ...(admin
          ? { rotated_at: typeof record.rotated_at === 'string' ? record.rotated_at : null }
          : {}),
      },
    };
  },
  run: (_a: Args, targets) => [
    step<Args>('check-account', 'Check the duckling is ACTIVE', async (ctx) => {
      const record = await readDuckling(ctx, ducklings(ctx.targets));
      if (record[LAST_REQUEST] !== ctx.request.id) refuseUnlessActive(record, ctx.args.duckling_id);
      return { status: record.status };
    }),
    rotateStep(deliveryOf(targets), targets),
    ...(deliveryOf(targets).deliver === 'secrets_manager' && !viaAdminApi(targets)
      ? [makeCurrentStep]
      : []),
    ...followUpSteps<Args>(targets, {
      event: recordActions(targets).app_audit?.events.rotate_key ?? 'duck.key_rotated',
      subject: (ctx) => ctx.args.duckling_id,
      since: (ctx) => Number((ctx.results['rotate-key'] as { askedAt?: number }).askedAt ?? 0),
      notice: 'key-rotated',
      duckling: (ctx) => ctx.args.duckling_id,
      data: (ctx) => ({
        rotated_at: String((ctx.results['rotate-key'] as { rotatedAt: string }).rotatedAt),
      }),
    }),
    step<Args>(
      'audit',
      'Record duck.key_rotated',
      async ({ args: a, request, results, record }) => {
        const rotated = results['rotate-key'] as {
          keyId: string;
          rotatedAt: string;
          deliveredTo: string;
        };
        record('duck.key_rotated', {
          duckling_id: a.duckling_id,
          key_id: rotated.keyId,
          rotated_at: rotated.rotatedAt,
          rotated_by: request.requester,
          delivered_to: rotated.deliveredTo,
        });
        return { recorded: true };
      },
    ),
  ],
});
