import type { FileConfig } from '../config/file.ts';
import type { IamStatement } from './command.ts';
import { UserError } from './errors.ts';

/** A configured Lambda target (`targets.lambda.<name>`), or a user error naming it. */
export function lambdaTarget(targets: FileConfig['targets'], name: string) {
  const found = targets.lambda[name];
  if (!found) throw new UserError('unknown_target', `no Lambda target named ${name} in config`);
  return {
    functionName: found.function_name ?? name,
    region: found.region,
    aliases: found.aliases,
  };
}

/** Problems with a function and alias typed by an operator: unknown target, alias not allowed. */
export function checkLambdaAlias(
  a: { function: string; alias: string },
  targets: FileConfig['targets'],
): { field: string; message: string }[] {
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
