import { defineCommand, type StepContext, step, z } from '../src/sdk/index.ts';
import {
  accessKeyArg,
  accessKeyStatements,
  lastUseText,
  ownerOf,
  quarantinePolicyName,
} from './lib/access-keys.ts';
import { CONTAINMENT_POLICY, port, undoButton, YES } from './lib/containment.ts';
import { operatorReason } from './lib/records.ts';

/**
 * disable-access-key (Mantissa Log containment): deactivate a compromised IAM access key, and with
 * deny_all=true attach an inline deny-all policy to its user. The runbook deletes the key; opsbot
 * never does (a deleted key cannot come back, and its id is the evidence): deactivate now, delete
 * by hand once the investigation is over. Refuses the bot's own key. Undo: enable-access-key.
 */

const args = z.object({
  access_key_id: accessKeyArg,
  user: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'an IAM user name')
    .optional()
    .describe('The owner, checked against AWS'),
  reason: operatorReason('Why (kept in the audit trail)'),
  deny_all: YES.describe('Also attach a deny-all inline policy to the user'),
});

type Args = z.output<typeof args>;

/**
 * The key's status before this request changed it, read once and kept in the run's state, so a
 * retried run (after the key was deactivated) still knows what the Undo must put back.
 */
async function statusBefore(ctx: StepContext<Args>, userName: string) {
  const kept = await ctx.state.load<{ status: string }>(STATUS_BEFORE);
  if (kept) return kept.status;
  const status =
    (await port(ctx.ports, 'accessKeys').status({
      userName,
      accessKeyId: ctx.args.access_key_id,
    })) ?? 'unknown';
  await ctx.state.save(STATUS_BEFORE, { status });
  return status;
}

const STATUS_BEFORE = 'status-before';

async function disable(ctx: StepContext<Args>) {
  const use = await ownerOf(ctx.ports, ctx.args.access_key_id, ctx.args.user);
  const keys = port(ctx.ports, 'accessKeys');
  const was = await statusBefore(ctx, use.userName);
  await keys.setStatus({
    userName: use.userName,
    accessKeyId: ctx.args.access_key_id,
    status: 'Inactive',
  });
  const policyName = ctx.args.deny_all ? quarantinePolicyName(ctx.request.id) : undefined;
  if (policyName) await keys.putDenyAll({ userName: use.userName, policyName });
  await port(ctx.ports, 'containment').record({
    requestId: ctx.request.id,
    command: 'disable-access-key',
    subject: ctx.args.access_key_id,
    by: ctx.request.requester,
    at: new Date().toISOString(),
    reason: ctx.args.reason,
    // `was`: what the Undo restores (a key already Inactive stays Inactive).
    facts: { user: use.userName, was, ...(policyName ? { policy: policyName } : {}) },
  });
  ctx.record('access_key.disabled', {
    access_key_id: ctx.args.access_key_id,
    user: use.userName,
    reason: ctx.args.reason,
    quarantine_policy: policyName ?? null,
  });
  return { user: use.userName, lastUse: lastUseText(use), policyName: policyName ?? null };
}

async function card(ctx: StepContext<Args>) {
  const done = ctx.results.disable as { user: string; lastUse: string; policyName: string | null };
  await ctx.output.post({
    text: `Deactivated ${ctx.args.access_key_id} (${done.user})`,
    blocks: [
      {
        type: 'text',
        text: `:lock: *Deactivated* \`${ctx.args.access_key_id}\` of IAM user *${done.user}*`,
      },
      {
        type: 'fields',
        fields: [
          ['Last use', done.lastUse],
          [
            'Quarantine',
            done.policyName
              ? `deny-all inline policy ${done.policyName}`
              : 'none (deny_all=true adds one)',
          ],
          ['Reason', ctx.args.reason],
        ],
      },
      {
        type: 'context',
        text: 'The key is deactivated, not deleted: delete it by hand once the investigation is over.',
      },
      undoButton(`enable-access-key ${ctx.args.access_key_id} undo=${ctx.request.id}`),
    ],
  });
  return { posted: true };
}

export default defineCommand({
  name: 'disable-access-key',
  summary:
    'Deactivate a compromised IAM access key, optionally deny-all its user (never deletes; Undo: enable-access-key)',
  args,
  positional: ['access_key_id'],
  policy: CONTAINMENT_POLICY,
  // IAM is account-wide: always the prod policy.
  environment: () => 'prod',
  resources: (a: Args) => [`access-key:${a.access_key_id}`],
  permissions: () =>
    accessKeyStatements([
      'iam:GetAccessKeyLastUsed',
      'iam:ListAccessKeys',
      'iam:UpdateAccessKey',
      'iam:PutUserPolicy',
    ]),
  async plan({ args: a, ports }) {
    const use = await ownerOf(ports, a.access_key_id, a.user);
    const status =
      (await port(ports, 'accessKeys').status({
        userName: use.userName,
        accessKeyId: a.access_key_id,
      })) ?? 'unknown';
    return {
      summary: `${a.access_key_id} of ${use.userName}: ${status} → Inactive${a.deny_all ? ', plus a deny-all inline policy' : ''}`,
      details: [
        lastUseText(use),
        `reason: ${a.reason}`,
        'never deleted: delete by hand after the investigation',
      ],
      facts: { user: use.userName },
    };
  },
  run: [
    step<Args>('disable', 'Deactivate the key', disable),
    step<Args>('card', 'Show the result with Undo', card),
  ],
});
