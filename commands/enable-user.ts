import {
  defineCommand,
  type StepContext,
  step,
  targetName,
  UserError,
  z,
} from '../src/sdk/index.ts';
import {
  CONTAINMENT_POLICY,
  checkUndoable,
  claimUndo,
  optionalReason,
  port,
  undoArg,
  undoesLine,
} from './lib/containment.ts';
import { userPools } from './lib/containment-targets.ts';
import { poolProblems, poolStatements, poolUser, usernameArg } from './lib/user-pools.ts';

/** enable-user: AdminEnableUser, the Undo of `signout-user … disable=true`. Same policy. */

const args = z.object({
  username: usernameArg,
  pool: targetName('user_pools', 'The user pool (targets.user_pools)'),
  reason: optionalReason,
  undo: undoArg,
});

type Args = z.output<typeof args>;

const subject = (a: Args) => `${a.pool}:${a.username}`;

async function enable(ctx: StepContext<Args>) {
  await port(ctx.ports, 'userPools').enable(
    poolUser(ctx.targets, ctx.args.pool, ctx.args.username),
  );
  if (ctx.args.undo) await claimUndo(ctx, ctx.args.undo, 'signout-user', subject(ctx.args));
  ctx.record('user.enabled', {
    pool: ctx.args.pool,
    username: ctx.args.username,
    undoes: ctx.args.undo ?? null,
  });
  return { enabled: true };
}

export default defineCommand({
  name: 'enable-user',
  summary: 'Enable a Cognito user again (the Undo of signout-user disable=true)',
  args,
  positional: ['username'],
  policy: CONTAINMENT_POLICY,
  environment: (a: Args, targets) => userPools(targets)[a.pool]?.environment ?? 'prod',
  resources: (a: Args) => [`user:${a.pool}:${a.username}`],
  permissions: (targets) =>
    poolStatements(targets, ['cognito-idp:AdminGetUser', 'cognito-idp:AdminEnableUser']),
  validate: (a: Args, targets) => poolProblems(targets, a.pool),
  async plan({ args: a, targets, ports }) {
    if (a.undo) {
      const original = await checkUndoable(
        port(ports, 'containment'),
        a.undo,
        'signout-user',
        subject(a),
      );
      if (original.facts?.disabled !== 'true')
        throw new UserError(
          'nothing_to_undo',
          `request ${a.undo} only signed ${a.username} out; a sign-out cannot be undone`,
        );
      // The Undo puts back what the action changed: a user disabled before it stays disabled.
      if (original.facts?.was_enabled === 'false')
        throw new UserError(
          'nothing_to_undo',
          `${a.username} was already disabled before request ${a.undo}, so its Undo has nothing to put back (to enable the user, ask for enable-user ${a.username} pool=${a.pool} without undo=); nothing was changed`,
        );
    }
    const ref = poolUser(targets, a.pool, a.username);
    const user = await port(ports, 'userPools').get(ref);
    if (!user)
      throw new UserError('user_not_found', `no user ${a.username} in user pool ${a.pool}`);
    return {
      summary: user.enabled
        ? `${a.username} in ${a.pool} is already enabled`
        : `${a.pool}: enable ${a.username}`,
      details: a.undo ? [`undoes ${a.undo}`] : [],
      facts: { enabled: user.enabled },
    };
  },
  run: [
    step<Args>('enable', 'Enable the user', enable),
    step<Args>('card', 'Show the result', async (ctx) => {
      await ctx.output.post({
        text: `Enabled ${ctx.args.username} in ${ctx.args.pool}`,
        blocks: [
          {
            type: 'text',
            text: `:white_check_mark: *Enabled* *${ctx.args.username}* in *${ctx.args.pool}*`,
          },
          ...undoesLine(ctx.args.undo),
        ],
      });
      return { posted: true };
    }),
  ],
});
