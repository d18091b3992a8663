import {
  type FileConfig,
  type LambdaAlias,
  PermanentError,
  type Ports,
} from '../../src/sdk/index.ts';
import { lambdaTarget } from '../lib/lambda-targets.ts';

/** What the alias steps of promote and rollback read from their context. */
interface AliasContext {
  args: { function: string; alias: string };
  targets: FileConfig['targets'];
  ports: Ports;
  progress(note: string): void;
}

/** Where an alias sends its requests: `43`, or `43 (10 % on 44)` for a weighted (canary) alias. */
export function aliasRouting(alias: Pick<LambdaAlias, 'version' | 'weights'>): string {
  const others = Object.entries(alias.weights).map(
    ([version, weight]) => `${Number((weight * 100).toFixed(2))} % on ${version}`,
  );
  return others.length > 0 ? `${alias.version} (${others.join(', ')})` : alias.version;
}

const weighted = (alias: LambdaAlias) => Object.keys(alias.weights).length > 0;

/**
 * Points the alias at `version` with all its requests (the update clears any routing weights),
 * with the alias's current `RevisionId` as an optimistic lock. An alias already there with no
 * weights (a retry after the update landed) is left alone and reported `already`; one there that
 * still sends a share elsewhere (a canary) is updated.
 */
export async function moveAlias(ctx: AliasContext, version: string) {
  const t = lambdaTarget(ctx.targets, ctx.args.function);
  const where = { functionName: t.functionName, alias: ctx.args.alias, region: t.region };
  const current = await ctx.ports.lambda.getAlias(where);
  if (current.version === version && !weighted(current)) {
    ctx.progress(`already at ${version}`);
    return { already: true, previous: current.version, revisionId: current.revisionId };
  }
  const updated = await ctx.ports.lambda.updateAlias({
    ...where,
    version,
    revisionId: current.revisionId,
  });
  return { already: false, previous: current.version, revisionId: updated.revisionId };
}

/** Reads the alias back; a permanent error unless it points at `version`. */
export async function verifyAlias(ctx: Omit<AliasContext, 'progress'>, version: string) {
  const t = lambdaTarget(ctx.targets, ctx.args.function);
  const now = await ctx.ports.lambda.getAlias({
    functionName: t.functionName,
    alias: ctx.args.alias,
    region: t.region,
  });
  if (now.version !== version || weighted(now)) {
    throw new PermanentError(
      'verify_failed',
      `${ctx.args.alias} points at ${aliasRouting(now)}, expected all of it on ${version}`,
    );
  }
  return { version: now.version };
}
