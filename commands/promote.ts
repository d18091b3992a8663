import {
  checkLambdaAlias,
  defineCommand,
  LAMBDA_ALIAS_POLICY,
  lambdaAliasArg,
  lambdaAliasEnvironment,
  lambdaAliasResources,
  lambdaPermissions,
  PermanentError,
  step,
  lambdaTarget as target,
  targetName,
  UserError,
  z,
} from '../src/sdk/index.ts';

const args = z.object({
  function: targetName('lambda', 'Lambda function (a target name from config)'),
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
    step<Args>(
      'update-alias',
      'Move the alias',
      async ({ args: a, targets, aws, progress, plan }) => {
        const t = target(targets, a.function);
        const current = await aws.lambda.getAlias({
          functionName: t.functionName,
          alias: a.alias,
          region: t.region,
        });
        if (current.version === a.version) {
          // Already there: a retry after the update landed, or nothing to do. Report the planned origin.
          progress(`already at ${a.version}`);
          const from = plan?.facts.from;
          return {
            from: typeof from === 'string' && from !== a.version ? from : null,
            to: current.version,
            revisionId: current.revisionId,
          };
        }
        const updated = await aws.lambda.updateAlias({
          functionName: t.functionName,
          alias: a.alias,
          version: a.version,
          revisionId: current.revisionId,
          region: t.region,
        });
        return { from: current.version, to: updated.version, revisionId: updated.revisionId };
      },
    ),
    step<Args>('verify', 'Verify the alias', async ({ args: a, targets, aws }) => {
      const t = target(targets, a.function);
      const now = await aws.lambda.getAlias({
        functionName: t.functionName,
        alias: a.alias,
        region: t.region,
      });
      if (now.version !== a.version) {
        throw new PermanentError(
          'verify_failed',
          `${a.alias} points at ${now.version}, expected ${a.version}`,
        );
      }
      return { version: now.version };
    }),
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
