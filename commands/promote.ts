import {
  defineCommand,
  type FileConfig,
  PermanentError,
  step,
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
  alias: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'an alias name such as prod')
    .default('prod')
    .describe('Alias to move'),
});

type Args = z.output<typeof args>;

function target(targets: FileConfig['targets'], name: string) {
  const found = targets.lambda[name];
  if (!found) throw new UserError('unknown_target', `no Lambda target named ${name} in config`);
  return {
    functionName: found.function_name ?? name,
    region: found.region,
    aliases: found.aliases,
  };
}

export default defineCommand({
  name: 'promote',
  summary: 'Point a Lambda alias at a published version (runbook 1)',
  args,
  positional: ['function', 'version'],
  policy: {
    default: { approvals: 0 },
    environments: { prod: { approvals: 1, breakGlass: true } },
  },
  environment: (a: Args, targets) => targets.lambda[a.function]?.aliases[a.alias] ?? a.alias,
  resources: (a: Args) => [`lambda:${a.function}:${a.alias}`],
  permissions: (targets, region) =>
    Object.entries(targets.lambda).map(([name, t]) => {
      const fn = `arn:aws:lambda:${t.region ?? region}:*:function:${t.function_name ?? name}`;
      return {
        actions: ['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:ListVersionsByFunction'],
        resources: [fn, `${fn}:*`],
      };
    }),
  validate(a: Args, targets) {
    const found = targets.lambda[a.function];
    if (!found) {
      const known = Object.keys(targets.lambda).join(', ') || 'none configured';
      return [
        { field: 'function', message: `no Lambda target named ${a.function} (known: ${known})` },
      ];
    }
    if (!(a.alias in found.aliases)) {
      const known = Object.keys(found.aliases).join(', ');
      return [
        {
          field: 'alias',
          message: `${a.alias} is not an alias opsbot may move (allowed: ${known})`,
        },
      ];
    }
    return [];
  },
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
    step<Args>('deploy-log', 'Record the deploy', async ({ args: a, request, results, record }) => {
      const moved = results['update-alias'] as { from: string | null };
      record('deploy.promoted', {
        function: a.function,
        alias: a.alias,
        from: moved.from,
        to: a.version,
        operator: request.requester,
        at: new Date().toISOString(),
      });
      return { recorded: true };
    }),
  ],
});
