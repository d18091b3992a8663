import { defineCommand, lambdaFunction, step, UserError, z } from '../src/sdk/index.ts';
import { aliasRouting, moveAlias, verifyAlias } from './lambda/alias.ts';
import { deployLogStatements, writeDeployLog } from './lambda/deploy-log.ts';
import { checkStaging, refuseUnverified, stagingCheckApplies } from './lambda/staging.ts';
import { DEPLOY_LOG_SECTIONS } from './lib/deploy-log-config.ts';
import {
  checkLambdaAlias,
  LAMBDA_ALIAS_POLICY,
  lambdaAliasArg,
  lambdaAliasEnvironment,
  lambdaAliasResources,
  lambdaPermissions,
  lambdaTarget as target,
} from './lib/lambda-targets.ts';

const args = z.object({
  function: lambdaFunction('Lambda function (a target name from config)'),
  version: z
    .string()
    .regex(/^v?[1-9]\d*$/, 'a published version number such as 43 or v43')
    .transform((value) => value.replace(/^v/, ''))
    .describe('Published version to point the alias at'),
  alias: lambdaAliasArg('Alias to move'),
  skip_staging: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .default(false)
    .transform((v) => v === true || v === 'true')
    .describe(
      'Promote a version never verified in staging: only in a break-glass run (--emergency reason="…")',
    ),
});

type Args = z.output<typeof args>;

const checkStagingStep = step<Args>(
  'check-staging',
  'Check the version was verified in staging',
  async (ctx) => {
    const staging = await checkStaging(ctx, ctx.args);
    const emergency = ctx.request.emergency;
    refuseUnverified(staging, ctx.args, emergency !== undefined);
    if (!staging.onStaging) {
      ctx.record('deploy.staging_skipped', {
        function: ctx.args.function,
        alias: ctx.args.alias,
        version: ctx.args.version,
        reason: emergency?.reason,
        operator: ctx.request.requester,
      });
      ctx.progress(`⚠ not verified in staging; skipped under break-glass: ${emergency?.reason}`);
    } else if (staging.applies) ctx.progress(staging.note);
    return { onStaging: staging.onStaging, applies: staging.applies };
  },
);

export default defineCommand({
  name: 'promote',
  summary: 'Point a Lambda alias at a published version (runbook 1)',
  args,
  positional: ['function', 'version'],
  policy: LAMBDA_ALIAS_POLICY,
  config: { targets: DEPLOY_LOG_SECTIONS },
  environment: lambdaAliasEnvironment,
  resources: lambdaAliasResources,
  permissions: (targets, region) => [
    ...lambdaPermissions(targets, region, [
      'lambda:GetAlias',
      'lambda:UpdateAlias',
      'lambda:ListVersionsByFunction',
    ]),
    ...deployLogStatements(targets, region),
  ],
  validate: checkLambdaAlias,
  async plan({ args: a, targets, ports }) {
    const t = target(targets, a.function);
    const current = await ports.lambda.getAlias({
      functionName: t.functionName,
      alias: a.alias,
      region: t.region,
    });
    const staging = await checkStaging({ targets, ports }, a);
    const skip =
      !staging.onStaging && a.skip_staging
        ? ['skip_staging=true: allowed only as a break-glass run (--emergency reason="…")']
        : [];
    return {
      summary: `${a.alias}: ${aliasRouting(current)} → ${a.version}`,
      details: [`function ${t.functionName}`, ...(staging.applies ? [staging.note] : []), ...skip],
      facts: { from: current.version, to: a.version },
    };
  },
  run: (a: Args, targets) => [
    step<Args>('check-version', 'Check the version exists', async ({ args: a, targets, ports }) => {
      const t = target(targets, a.function);
      const exists = await ports.lambda.hasVersion({
        functionName: t.functionName,
        version: a.version,
        region: t.region,
      });
      if (!exists) {
        throw new UserError(
          'unknown_version',
          `${t.functionName} has no published version ${a.version}`,
        );
      }
      return { exists };
    }),
    // After check-version: a version never published is refused as that, not as unverified.
    ...(stagingCheckApplies(targets, a) ? [checkStagingStep] : []),
    step<Args>('update-alias', 'Move the alias', async (ctx) => {
      const moved = await moveAlias(ctx, ctx.args.version);
      if (!moved.already)
        return { from: moved.previous, to: ctx.args.version, revisionId: moved.revisionId };
      // Already there: a retry after the update landed, or nothing to do. Report the planned origin.
      const from = ctx.plan?.facts.from;
      return {
        from: typeof from === 'string' && from !== ctx.args.version ? from : null,
        to: ctx.args.version,
        revisionId: moved.revisionId,
      };
    }),
    step<Args>('verify', 'Verify the alias', (ctx) => verifyAlias(ctx, ctx.args.version)),
    step<Args>('deploy-log', 'Record the deploy', async (ctx) => {
      const { args: a, request, results, record, ports, runId } = ctx;
      const moved = results['update-alias'] as { from: string | null };
      const at = new Date().toISOString();
      record('deploy.promoted', {
        function: a.function,
        alias: a.alias,
        from: moved.from,
        to: a.version,
        operator: request.requester,
        at,
      });
      // The deploy history rollback reads; a promote that moved nothing leaves nothing to undo.
      if (moved.from !== null && moved.from !== a.version) {
        await ports.deploys.record(
          { function: a.function, alias: a.alias },
          { kind: 'promote', runId, from: moved.from, to: a.version, by: request.requester, at },
        );
      }
      const log = await writeDeployLog(ctx, {
        kind: 'promote',
        function: a.function,
        alias: a.alias,
        from: moved.from,
        to: a.version,
        at,
      });
      return { recorded: true, ...log };
    }),
  ],
});
