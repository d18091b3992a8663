import {
  type FileConfig,
  type IamStatement,
  type PolicyDefaults,
  targetOf,
  z,
} from '../../src/sdk/index.ts';

type LambdaTarget = FileConfig['targets']['lambda'][string];

/** A configured Lambda target (`targets.lambda.<name>`), or a user error naming it. */
export function lambdaTarget(targets: FileConfig['targets'], name: string) {
  const found = targetOf<LambdaTarget>(targets, 'lambda', name);
  return {
    functionName: found.function_name ?? name,
    region: found.region,
    aliases: found.aliases,
  };
}

/** Problems with an alias typed by an operator (the function, a typed target, exists): not allowed. */
export function checkLambdaAlias(
  a: { function: string; alias: string },
  targets: FileConfig['targets'],
): { field: string; message: string }[] {
  const found = targetOf<LambdaTarget>(targets, 'lambda', a.function);
  if (!Object.hasOwn(found.aliases, a.alias)) {
    const known = Object.keys(found.aliases).join(', ');
    return [
      { field: 'alias', message: `${a.alias} is not an alias opsbot may move (allowed: ${known})` },
    ];
  }
  return [];
}

/** IAM statements for Lambda alias commands: these actions on every configured function. */
export function lambdaPermissions(
  targets: FileConfig['targets'],
  region: string,
  actions: string[],
): IamStatement[] {
  return Object.entries(targets.lambda).map(([name, t]) => {
    const fn = `arn:aws:lambda:${t.region ?? region}:*:function:${t.function_name ?? name}`;
    return { actions, resources: [fn, `${fn}:*`] };
  });
}

// ── What the alias commands (promote, rollback) share ─────────────────────────────────────────────

/** The `alias=` argument: an alias name, `prod` when not given. */
export const lambdaAliasArg = (description: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'an alias name such as prod')
    .default('prod')
    .describe(description);

/** One approval in prod, with break-glass; none elsewhere. */
export const LAMBDA_ALIAS_POLICY: PolicyDefaults = {
  default: { approvals: 0 },
  environments: { prod: { approvals: 1, breakGlass: true } },
};

/** The environment an alias stands for in config (`aliases: { prod: prod }`), else its name. */
export const lambdaAliasEnvironment = (
  a: { function: string; alias: string },
  targets: FileConfig['targets'],
) => {
  const fn = Object.hasOwn(targets.lambda, a.function) ? targets.lambda[a.function] : undefined;
  return fn && Object.hasOwn(fn.aliases, a.alias) ? fn.aliases[a.alias]! : a.alias;
};

/** The lock a run moving this alias holds. */
export const lambdaAliasResources = (a: { function: string; alias: string }) => [
  `lambda:${a.function}:${a.alias}`,
];
