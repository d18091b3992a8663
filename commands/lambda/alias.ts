import { type FileConfig, PermanentError, type Ports } from '../../src/sdk/index.ts';
import { lambdaTarget } from '../lib/lambda-targets.ts';

/** What the alias steps of promote and rollback read from their context. */
interface AliasContext {
  args: { function: string; alias: string };
  targets: FileConfig['targets'];
  ports: Ports;
  progress(note: string): void;
}

/**
 * Points the alias at `version`, with the alias's current `RevisionId` as an optimistic lock. An
 * alias already there (a retry after the update landed) is left alone and reported `already`.
 */
export async function moveAlias(ctx: AliasContext, version: string) {
  const t = lambdaTarget(ctx.targets, ctx.args.function);
  const where = { functionName: t.functionName, alias: ctx.args.alias, region: t.region };
  const current = await ctx.ports.lambda.getAlias(where);
  if (current.version === version) {
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
  if (now.version !== version) {
    throw new PermanentError(
      'verify_failed',
      `${ctx.args.alias} points at ${now.version}, expected ${version}`,
    );
  }
  return { version: now.version };
}
