import { DEFAULT_APPROVER_GROUP, defineCommand, step, UserError } from '../src/sdk/index.ts';
import { recordActions, recordActionsSchema } from './lib/record-actions.ts';
import {
  LAST_REQUEST,
  recordEnvironment,
  recordTableProblems,
  recordTableStatements,
} from './lib/records.ts';
import { adminApiStatements, viaAdminApi } from './records/admin-api.ts';
import { appAuditStatements } from './records/app-audit.ts';
import { followUpSteps } from './records/follow-up.ts';
import { notifyStatements } from './records/notify.ts';
import { deliveryOf, deliveryPlan, rotateKeySchema, secretIdOf } from './rotate-key/delivery.ts';
import {
  type Args,
  args,
  ducklings,
  makeCurrentStep,
  readDuckling,
  refuseUnlessActive,
  rotateStep,
} from './rotate-key/steps.ts';

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
      // A rotation always asks for a new key.
      unchanged: () => false,
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
