import {
  defineCommand,
  type StepContext,
  step,
  targetName,
  UserError,
  z,
} from '../src/sdk/index.ts';
import { CONTAINMENT_POLICY, port, undoButton, YES } from './lib/containment.ts';
import { userPools, userPoolsSchema } from './lib/containment-targets.ts';
import { operatorReason } from './lib/records.ts';
import { poolProblems, poolStatements, poolUser, usernameArg } from './lib/user-pools.ts';

/**
 * signout-user (Mantissa Log containment): Cognito AdminUserGlobalSignOut, so every refresh token
 * of the user stops working; with disable=true also AdminDisableUser. A sign-out cannot be taken
 * back (the tokens stay revoked); a disable can: Undo asks for enable-user.
 */

const args = z.object({
  username: usernameArg,
  pool: targetName('user_pools', 'The user pool (targets.user_pools)'),
  reason: operatorReason('Why (kept in the audit trail)'),
  disable: YES.describe('Also disable the user (AdminDisableUser)'),
});

type Args = z.output<typeof args>;

const ENABLED_BEFORE = 'enabled-before';

/**
 * Whether the user was enabled before this request, read once and kept in the run's state, so a
 * retried run (after the disable) still knows it.
 */
async function enabledBefore(ctx: StepContext<Args>): Promise<boolean | undefined> {
  const kept = await ctx.state.load<{ enabled: boolean | null }>(ENABLED_BEFORE);
  if (kept) return kept.enabled ?? undefined;
  const user = await port(ctx.ports, 'userPools').get(
    poolUser(ctx.targets, ctx.args.pool, ctx.args.username),
  );
  await ctx.state.save(ENABLED_BEFORE, { enabled: user?.enabled ?? null });
  return user?.enabled;
}

async function signOut(ctx: StepContext<Args>) {
  const user = poolUser(ctx.targets, ctx.args.pool, ctx.args.username);
  const pools = port(ctx.ports, 'userPools');
  const wasEnabled = ctx.args.disable ? await enabledBefore(ctx) : undefined;
  await pools.globalSignOut(user);
  if (ctx.args.disable) await pools.disable(user);
  await port(ctx.ports, 'containment').record({
    requestId: ctx.request.id,
    command: 'signout-user',
    subject: `${ctx.args.pool}:${ctx.args.username}`,
    by: ctx.request.requester,
    at: new Date().toISOString(),
    reason: ctx.args.reason,
    // `was_enabled`: whether the Undo has anything to put back (a user disabled before stays so).
    facts: {
      disabled: String(ctx.args.disable),
      ...(wasEnabled !== undefined ? { was_enabled: String(wasEnabled) } : {}),
    },
  });
  ctx.record('user.signed_out', {
    pool: ctx.args.pool,
    username: ctx.args.username,
    disabled: ctx.args.disable,
    reason: ctx.args.reason,
  });
  return { disabled: ctx.args.disable };
}

export default defineCommand({
  name: 'signout-user',
  summary:
    'Sign a Cognito user out everywhere, optionally disable them (Undo of disable: enable-user)',
  args,
  positional: ['username'],
  config: { targets: { user_pools: userPoolsSchema } },
  policy: CONTAINMENT_POLICY,
  environment: (a: Args, targets) => userPools(targets)[a.pool]?.environment ?? 'prod',
  resources: (a: Args) => [`user:${a.pool}:${a.username}`],
  permissions: (targets) =>
    poolStatements(targets, [
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminUserGlobalSignOut',
      'cognito-idp:AdminDisableUser',
    ]),
  validate: (a: Args, targets) => poolProblems(targets, a.pool),
  async plan({ args: a, targets, ports }) {
    const ref = poolUser(targets, a.pool, a.username);
    const user = await port(ports, 'userPools').get(ref);
    if (!user)
      throw new UserError(
        'user_not_found',
        `no user ${a.username} in user pool ${a.pool} (${ref.userPoolId})`,
      );
    return {
      summary: `${a.pool}: sign ${a.username} out everywhere${a.disable ? `, then disable (${user.enabled ? 'enabled' : 'already disabled'} now)` : ''}`,
      details: [`status ${user.status}`, `reason: ${a.reason}`],
      facts: { enabled: user.enabled },
    };
  },
  run: [
    step<Args>('signout', 'Sign the user out everywhere', signOut),
    step<Args>('card', 'Show the result', async (ctx) => {
      await ctx.output.post({
        text: `Signed ${ctx.args.username} out of ${ctx.args.pool}${ctx.args.disable ? ' and disabled them' : ''}`,
        blocks: [
          {
            type: 'text',
            text: `:door: *Signed out* *${ctx.args.username}* of *${ctx.args.pool}* everywhere${ctx.args.disable ? ', and *disabled* the user' : ''}.`,
          },
          ctx.args.disable
            ? undoButton(
                `enable-user ${ctx.args.username} pool=${ctx.args.pool} undo=${ctx.request.id}`,
              )
            : {
                type: 'context',
                text: 'A sign-out cannot be undone: the revoked tokens stay revoked; the user signs in again.',
              },
        ],
      });
      return { posted: true };
    }),
  ],
});
