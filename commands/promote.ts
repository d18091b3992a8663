import { defineCommand, lambdaFunction, step, UserError, z } from '../src/sdk/index.ts';
import { moveAlias, verifyAlias } from './lambda/alias.ts';
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
});

type Args = z.output<typeof args>;

export default defineCommand({
  name: 'promote',
  summary: 'Point a Lambda alias at a published version (runbook 1)',
  args,
  positional: ['function', 'version'],
  policy: LAMBDA_ALIAS_POLICY,
  environment: lambdaAliasEnvironment,
  resources: lambdaAliasResources,
  permissions: (targets, region) =>
    lambdaPermissions(targets, region, [
      'lambda:GetAlias',
      'lambda:UpdateAlias',
      'lambda:ListVersionsByFunction',
    ]),
  validate: checkLambdaAlias,
  async plan({ args: a, targets, aws }) {
    const t = target(targets, a.function);
    const current = await aws.lambda.getAlias({
      functionName: t.functionName,
      alias: a.alias,
      region: t.region,
    });
    return {
      summary: `${a.alias}: ${current.version} → ${a.version}`,
      details: [`function ${t.functionName}`],
      facts: { from: current.version, to: a.version },
    };
  },
  run: [
    step<Args>('check-version', 'Check the version exists', async ({ args: a, targets, aws }) => {
      const t = target(targets, a.function);
      const exists = await aws.lambda.hasVersion({
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
    step<Args>(
      'deploy-log',
      'Record the deploy',
      async ({ args: a, request, results, record, aws, runId }) => {
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
          await aws.deploys.record(
            { function: a.function, alias: a.alias },
            { kind: 'promote', runId, from: moved.from, to: a.version, by: request.requester, at },
          );
        }
        return { recorded: true };
      },
    ),
  ],
});
