import {
  type DeployEntry,
  defineCommand,
  lambdaFunction,
  PermanentError,
  type Plan,
  step,
  UserError,
  z,
} from '../src/sdk/index.ts';
import { moveAlias, verifyAlias } from './lambda/alias.ts';
import {
  checkLambdaAlias,
  LAMBDA_ALIAS_POLICY,
  lambdaAliasArg,
  lambdaAliasEnvironment,
  lambdaAliasResources,
  lambdaPermissions,
  lambdaTarget,
} from './lib/lambda-targets.ts';

/** Undoes the last promote of an alias: back to the version it had before, verified like promote. */

const args = z.object({
  function: lambdaFunction('Lambda function (a target name from config)'),
  alias: lambdaAliasArg('Alias to move back'),
});

type Args = z.output<typeof args>;

/** The move the plan settled on: read back from the plan a run was approved with. */
function planned(plan: Plan | undefined) {
  const f = plan?.facts ?? {};
  if (typeof f.from !== 'string' || typeof f.to !== 'string' || typeof f.undoes !== 'string')
    throw new PermanentError('no_plan', 'rollback runs only with the plan it was approved with');
  return { from: f.from, to: f.to, undoes: f.undoes };
}

export default defineCommand({
  name: 'rollback',
  summary: 'Point a Lambda alias back at the version it had before the last promote',
  args,
  positional: ['function', 'alias'],
  policy: LAMBDA_ALIAS_POLICY,
  environment: lambdaAliasEnvironment,
  resources: lambdaAliasResources,
  permissions: (targets, region) =>
    lambdaPermissions(targets, region, ['lambda:GetAlias', 'lambda:UpdateAlias']),
  validate: checkLambdaAlias,
  async plan({ args: a, targets, aws }) {
    const t = lambdaTarget(targets, a.function);
    const history = await aws.deploys.list({ function: a.function, alias: a.alias });
    const last = lastPromote(history);
    if (!last) {
      throw new UserError(
        'no_deploy_history',
        `opsbot has no record of a promote of ${a.function} ${a.alias}, so there is no earlier version to go back to; use promote with the version you want`,
      );
    }
    const current = await aws.lambda.getAlias({
      functionName: t.functionName,
      alias: a.alias,
      region: t.region,
    });
    if (current.version !== last.to) {
      throw new UserError(
        'alias_moved',
        `${a.alias} points at ${current.version}, but the last promote (${last.runId}) set it to ${last.to}; it was moved outside opsbot, so use promote with the version you want`,
      );
    }
    return {
      summary: `${a.alias}: ${last.to} → ${last.from}`,
      details: [`function ${t.functionName}`, `undoes ${last.runId} by ${last.by} at ${last.at}`],
      facts: { from: last.to, to: last.from, undoes: last.runId },
    };
  },
  run: [
    step<Args>('update-alias', 'Move the alias back', async (ctx) => {
      const move = planned(ctx.plan);
      const { revisionId } = await moveAlias(ctx, move.to);
      return { ...move, revisionId };
    }),
    step<Args>('verify', 'Verify the alias', (ctx) => verifyAlias(ctx, planned(ctx.plan).to)),
    step<Args>(
      'deploy-log',
      'Record the rollback',
      async ({ args: a, aws, plan, request, record, runId }) => {
        const move = planned(plan);
        const at = new Date().toISOString();
        record('deploy.rolled_back', {
          function: a.function,
          alias: a.alias,
          from: move.from,
          to: move.to,
          undoes: move.undoes,
          operator: request.requester,
          at,
        });
        await aws.deploys.record(
          { function: a.function, alias: a.alias },
          { kind: 'rollback', runId, ...move, by: request.requester, at },
        );
        return { recorded: true };
      },
    ),
  ],
});

/** The newest promote that no later rollback undid. */
export function lastPromote(history: DeployEntry[]): DeployEntry | undefined {
  const undone = new Set<string>();
  for (const entry of history) {
    if (entry.kind === 'rollback' && entry.undoes) undone.add(entry.undoes);
    else if (entry.kind === 'promote' && !undone.has(entry.runId)) return entry;
  }
  return undefined;
}
