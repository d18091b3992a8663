import {
  type DeployEntry,
  defineCommand,
  type FileConfig,
  PermanentError,
  type Plan,
  type PlanContext,
  step,
  target,
  UserError,
  z,
} from '../src/sdk/index.ts';
import { currentImage, deploySteps } from './deploy/steps.ts';
import { deployEnvironment, deployPermissions, deploys, shortImage } from './deploy/targets.ts';
import { aliasRouting, moveAlias, verifyAlias } from './lambda/alias.ts';
import { deployLogStatements, writeDeployLog } from './lambda/deploy-log.ts';
import { DEPLOY_LOG_SECTIONS } from './lib/deploy-log-config.ts';
import {
  checkLambdaAlias,
  LAMBDA_ALIAS_POLICY,
  lambdaAliasArg,
  lambdaAliasEnvironment,
  lambdaAliasResources,
  lambdaPermissions,
  lambdaTarget,
} from './lib/lambda-targets.ts';
import { serviceResource } from './restart/steps.ts';

/**
 * Undoes the last promote of a Lambda alias (back to the version it had before, verified like
 * promote), or the last `deploy` of a service (back to the image it ran before, followed like a
 * deploy). A service changed outside opsbot since is refused: there is no safe "previous" then.
 */

/** A name under `targets.deploys` (and `targets.services`) that is no Lambda target. */
const isService = (a: { function: string }, targets: FileConfig['targets']) =>
  !Object.hasOwn(targets.lambda, a.function) &&
  Object.hasOwn(deploys(targets), a.function) &&
  Object.hasOwn(targets.services, a.function);

const args = z.object({
  function: target('lambda', 'Lambda function, or a deployed service (a target name from config)', {
    label: 'Lambda target',
    other: {
      accepts: (value, targets) => isService({ function: value }, targets),
      hint: () => ' or a service under targets.deploys',
    },
  }),
  alias: lambdaAliasArg('Alias to move back (Lambda only)'),
});

type Args = z.output<typeof args>;

/** The plan of a service rollback: back to the image before the last recorded deploy. */
async function servicePlan(ctx: PlanContext<Args>): Promise<Plan> {
  const name = ctx.args.function;
  const last = lastPromote(await ctx.ports.deploys.list({ service: name }), 'deploy');
  if (!last)
    throw new UserError(
      'no_deploy_history',
      `opsbot has no record of a deploy of ${name}, so there is no earlier image to go back to; use deploy with the image you want`,
    );
  const now = await currentImage(ctx, name);
  if (now !== last.to)
    throw new UserError(
      'image_changed',
      `${name} runs ${shortImage(now)}, but the last deploy (${last.runId}) set ${shortImage(last.to)}; it was changed outside opsbot, so use deploy with the image you want`,
    );
  return {
    summary: `${name}: ${shortImage(now)} → ${shortImage(last.from)}`,
    details: [`undoes ${last.runId} by ${last.by} at ${last.at}`, `image ${last.from}`],
    facts: { from: last.to, to: last.from, undoes: last.runId },
  };
}

/** The move the plan settled on: read back from the plan a run was approved with. */
function planned(plan: Plan | undefined) {
  const f = plan?.facts ?? {};
  if (typeof f.from !== 'string' || typeof f.to !== 'string' || typeof f.undoes !== 'string')
    throw new PermanentError('no_plan', 'rollback runs only with the plan it was approved with');
  return { from: f.from, to: f.to, undoes: f.undoes };
}

export default defineCommand({
  name: 'rollback',
  summary:
    'Point a Lambda alias back at the version it had before the last promote, or a service back at the image before the last deploy',
  args,
  positional: ['function', 'alias'],
  policy: LAMBDA_ALIAS_POLICY,
  config: { targets: DEPLOY_LOG_SECTIONS },
  environment: (a: Args, targets) =>
    isService(a, targets)
      ? deployEnvironment({ service: a.function }, targets)
      : lambdaAliasEnvironment(a, targets),
  resources: (a: Args, targets) =>
    isService(a, targets) ? [serviceResource(a.function)] : lambdaAliasResources(a),
  permissions: (targets, region) => [
    ...lambdaPermissions(targets, region, ['lambda:GetAlias', 'lambda:UpdateAlias']),
    ...deployPermissions(targets, region),
    ...deployLogStatements(targets, region),
  ],
  validate: (a: Args, targets) => (isService(a, targets) ? [] : checkLambdaAlias(a, targets)),
  async plan(ctx) {
    if (isService(ctx.args, ctx.targets)) return servicePlan(ctx);
    const { args: a, targets, ports } = ctx;
    const t = lambdaTarget(targets, a.function);
    const history = await ports.deploys.list({ function: a.function, alias: a.alias });
    const last = lastPromote(history);
    if (!last) {
      throw new UserError(
        'no_deploy_history',
        `opsbot has no record of a promote of ${a.function} ${a.alias}, so there is no earlier version to go back to; use promote with the version you want`,
      );
    }
    const current = await ports.lambda.getAlias({
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
      summary: `${a.alias}: ${aliasRouting(current)} → ${last.from}`,
      details: [`function ${t.functionName}`, `undoes ${last.runId} by ${last.by} at ${last.at}`],
      facts: { from: last.to, to: last.from, undoes: last.runId },
    };
  },
  run: (a: Args, targets) => (isService(a, targets) ? serviceSteps(a.function) : aliasSteps),
});

function serviceSteps(name: string) {
  return [
    ...deploySteps<Args>(name, 'rollback'),
    step<Args>('report', 'Post the result', async ({ results, output }) => {
      const { from, to } = results.record as { from: string; to: string };
      const text = `✓ ${name}: rolled back ${shortImage(from)} → ${shortImage(to)}`;
      await output.post({ text, blocks: [{ type: 'text', text }] });
      return { deployed: to };
    }),
  ];
}

const aliasSteps = [
  step<Args>('update-alias', 'Move the alias back', async (ctx) => {
    const move = planned(ctx.plan);
    const { revisionId } = await moveAlias(ctx, move.to);
    return { ...move, revisionId };
  }),
  step<Args>('verify', 'Verify the alias', (ctx) => verifyAlias(ctx, planned(ctx.plan).to)),
  step<Args>('deploy-log', 'Record the rollback', async (ctx) => {
    const { args: a, ports, plan, request, record, runId } = ctx;
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
    await ports.deploys.record(
      { function: a.function, alias: a.alias },
      { kind: 'rollback', runId, ...move, by: request.requester, at },
    );
    const log = await writeDeployLog(ctx, {
      kind: 'rollback',
      function: a.function,
      alias: a.alias,
      from: move.from,
      to: move.to,
      at,
    });
    return { recorded: true, ...log };
  }),
];

/** The newest promote (or service deploy) that no later rollback undid. */
export function lastPromote(
  history: DeployEntry[],
  kind: 'promote' | 'deploy' = 'promote',
): DeployEntry | undefined {
  const undone = new Set<string>();
  for (const entry of history) {
    if (entry.kind === 'rollback' && entry.undoes) undone.add(entry.undoes);
    else if (entry.kind === kind && !undone.has(entry.runId)) return entry;
  }
  return undefined;
}
