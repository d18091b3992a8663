import { defineCommand, type StepContext, step, z } from '../src/sdk/index.ts';
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
 * quarantine policy that request attached (`opsbot-quarantine-<request id>`). Same policy.
 */

const args = z.object({
  access_key_id: accessKeyArg,
  reason: optionalReason,
  undo: undoArg,
});

type Args = z.output<typeof args>;

async function enable(ctx: StepContext<Args>) {
  const use = await ownerOf(ctx.ports, ctx.args.access_key_id);
  const original = ctx.args.undo
    ? (await port(ctx.ports, 'containment').get(ctx.args.undo))?.action
    : undefined;
  const keys = port(ctx.ports, 'accessKeys');
  await keys.setStatus({
    userName: use.userName,
    accessKeyId: ctx.args.access_key_id,
    status: 'Active',
  });
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
  });
  return { user: use.userName, removed: removed ? policy : null };
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
    return {
      summary: `${a.access_key_id} of ${use.userName}: ${status} → Active${policy ? `, remove ${policy}` : ''}`,
      details: a.undo ? [`undoes ${a.undo}`] : [],
      facts: { user: use.userName },
    };
  },
  run: [
    step<Args>('enable', 'Reactivate the key', enable),
    step<Args>('card', 'Show the result', async (ctx) => {
      const done = ctx.results.enable as { user: string; removed: string | null };
      await ctx.output.post({
        text: `Reactivated ${ctx.args.access_key_id} (${done.user})`,
        blocks: [
          {
            type: 'text',
            text: `:unlock: *Reactivated* \`${ctx.args.access_key_id}\` of IAM user *${done.user}*${done.removed ? `; removed ${done.removed}` : ''}`,
          },
          ...undoesLine(ctx.args.undo),
        ],
      });
      return { posted: true };
    }),
  ],
});
