import {
  type ContainmentAction,
  defineCommand,
  type StepContext,
  step,
  UserError,
  z,
} from '../src/sdk/index.ts';
import { accessKeyArg, accessKeyStatements, ownerOf } from './lib/access-keys.ts';
import {
  CONTAINMENT_POLICY,
  checkUndoable,
  claimUndo,
  optionalReason,
  port,
  undoArg,
  undoesLine,
} from './lib/containment.ts';

/**
 * enable-access-key: the Undo of disable-access-key. Reactivates the key and removes the
 * quarantine policy that request attached (`opsbot-quarantine-<request id>`). Same policy. An Undo
 * of a request that found the key already Inactive leaves it Inactive (it only lifts the policy).
 */

const args = z.object({
  access_key_id: accessKeyArg,
  reason: optionalReason,
  undo: undoArg,
});

type Args = z.output<typeof args>;

/**
 * An Undo puts back what the action changed: a key that was already Inactive before it (by hand,
 * or by an earlier request) stays Inactive; only the quarantine policy is removed.
 */
const keptInactive = (original: ContainmentAction | undefined) =>
  original?.facts?.was === 'Inactive';

async function enable(ctx: StepContext<Args>) {
  const use = await ownerOf(ctx.ports, ctx.args.access_key_id);
  const original = ctx.args.undo
    ? (await port(ctx.ports, 'containment').get(ctx.args.undo))?.action
    : undefined;
  const keys = port(ctx.ports, 'accessKeys');
  const reactivate = !keptInactive(original);
  if (reactivate) {
    await keys.setStatus({
      userName: use.userName,
      accessKeyId: ctx.args.access_key_id,
      status: 'Active',
    });
  } else ctx.progress(`the key was already Inactive before ${ctx.args.undo}: it stays Inactive`);
  const policy = original?.facts?.policy;
  const removed = policy
    ? await keys.removeInlinePolicy({ userName: use.userName, policyName: policy })
    : false;
  // Marked undone once both calls went through (both are safe to repeat on a retried run).
  if (ctx.args.undo)
    await claimUndo(ctx, ctx.args.undo, 'disable-access-key', ctx.args.access_key_id);
  ctx.record('access_key.enabled', {
    access_key_id: ctx.args.access_key_id,
    user: use.userName,
    undoes: ctx.args.undo ?? null,
    quarantine_policy_removed: removed ? policy : null,
    reactivated: reactivate,
  });
  return { user: use.userName, removed: removed ? policy : null, reactivated: reactivate };
}

export default defineCommand({
  name: 'enable-access-key',
  summary:
    'Reactivate an access key and lift its quarantine policy (the Undo of disable-access-key)',
  args,
  positional: ['access_key_id'],
  policy: CONTAINMENT_POLICY,
  environment: () => 'prod',
  resources: (a: Args) => [`access-key:${a.access_key_id}`],
  permissions: () =>
    accessKeyStatements([
      'iam:GetAccessKeyLastUsed',
      'iam:ListAccessKeys',
      'iam:UpdateAccessKey',
      'iam:DeleteUserPolicy',
    ]),
  async plan({ args: a, ports }) {
    const original = a.undo
      ? await checkUndoable(
          port(ports, 'containment'),
          a.undo,
          'disable-access-key',
          a.access_key_id,
        )
      : undefined;
    const use = await ownerOf(ports, a.access_key_id);
    const status =
      (await port(ports, 'accessKeys').status({
        userName: use.userName,
        accessKeyId: a.access_key_id,
      })) ?? 'unknown';
    const policy = original?.facts?.policy;
    if (keptInactive(original) && !policy) {
      throw new UserError(
        'nothing_to_undo',
        `${a.access_key_id} was already Inactive before request ${a.undo}, which added no policy: its Undo has nothing to put back (to reactivate the key, ask for enable-access-key ${a.access_key_id} without undo=); nothing was changed`,
      );
    }
    const change = keptInactive(original)
      ? `stays Inactive (it was Inactive before ${a.undo})`
      : `${status} → Active`;
    return {
      summary: `${a.access_key_id} of ${use.userName}: ${change}${policy ? `, remove ${policy}` : ''}`,
      details: a.undo ? [`undoes ${a.undo}`] : [],
      facts: { user: use.userName },
    };
  },
  run: [
    step<Args>('enable', 'Reactivate the key', enable),
    step<Args>('card', 'Show the result', async (ctx) => {
      const done = ctx.results.enable as {
        user: string;
        removed: string | null;
        reactivated?: boolean;
      };
      // Older checkpoints carry no `reactivated`: they always reactivated.
      const what = done.reactivated === false ? 'Kept Inactive' : 'Reactivated';
      await ctx.output.post({
        text: `${what} ${ctx.args.access_key_id} (${done.user})`,
        blocks: [
          {
            type: 'text',
            text: `:unlock: *${what}* \`${ctx.args.access_key_id}\` of IAM user *${done.user}*${done.removed ? `; removed ${done.removed}` : ''}`,
          },
          ...undoesLine(ctx.args.undo),
        ],
      });
      return { posted: true };
    }),
  ],
});
