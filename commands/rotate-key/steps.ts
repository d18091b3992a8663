import {
  type DataRecord,
  type FileConfig,
  generateApiKey,
  PermanentError,
  type StepContext,
  sha256Hex,
  step,
  UserError,
  z,
} from '../../src/sdk/index.ts';
import { LAST_REQUEST, type RecordTable, recordId, recordTable } from '../lib/records.ts';
import { postAdminAction, viaAdminApi } from '../records/admin-api.ts';
import { type Delivery, deliveryOf, destination, keyVersion, unusedKey } from './delivery.ts';
import { makeKeyCurrent, stageKey } from './secret.ts';

/**
 * rotate-key's steps: read the duckling, deliver the new key to its one place, activate its hash in
 * DynamoDB (or through the admin API), then make a staged secret current. Why the order is crash
 * safe is told in commands/rotate-key.ts.
 */
export const args = z.object({
  duckling_id: recordId('a duckling id such as dk_1234', 'The duckling whose API key is rotated'),
});

export type Args = z.output<typeof args>;
type Ctx = StepContext<Args>;

export const ducklings = (targets: FileConfig['targets']) => recordTable(targets, 'ducklings');

/** The public id of a key: a hash of the key under its own label (not the stored hash). */
const keyIdOf = (key: string) => `key_${sha256Hex(`opsbot key id:${key}`).slice(0, 16)}`;

export async function readDuckling(ctx: Ctx, table: RecordTable) {
  const record = await ctx.ports.records.get(table.ref(ctx.args.duckling_id));
  if (!record) {
    throw new UserError(
      'record_not_found',
      `no duckling ${ctx.args.duckling_id} in ${table.where} (key ${table.keyAttribute})`,
    );
  }
  return record;
}

export function refuseUnlessActive(record: DataRecord, id: string) {
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

export const rotateStep = (delivery: Delivery, targets: FileConfig['targets']) =>
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

export const makeCurrentStep = step<Args>(
  'make-current',
  'Make the new key current in Secrets Manager (AWSCURRENT)',
  makeCurrent,
);
