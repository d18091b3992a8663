import { type PlanContext, UserError } from '../../src/sdk/index.ts';
import { lambdaTarget } from '../lib/lambda-targets.ts';

/**
 * Mission Control playbook 1: "Always verify the new version in staging before promoting." A
 * promote to an alias other than staging checks that the version is on the staging alias now,
 * or was (a promote or rollback of staging recorded in the deploy history). Otherwise the plan
 * shows ⚠ and the run refuses, unless `skip_staging=true` comes in a break-glass run
 * (`--emergency reason="…"`, so only the policy's break-glass groups, with a reason), audited as
 * `deploy.staging_skipped`.
 */

export interface StagingCheck {
  /** Nothing to check: no staging alias configured, or this promote is to staging. */
  applies: boolean;
  onStaging: boolean;
  note: string;
}

/** The alias that stands for staging: the one configured with environment `staging`. */
function stagingAlias(aliases: Record<string, string>): string | undefined {
  return Object.entries(aliases).find(([, env]) => env === 'staging')?.[0];
}

/** Whether a promote to `a.alias` is checked: on for the target, a staging alias, not one itself. */
export function stagingCheckApplies(
  targets: PlanContext<unknown>['targets'],
  a: { function: string; alias: string },
): boolean {
  const t = Object.hasOwn(targets.lambda, a.function) ? targets.lambda[a.function] : undefined;
  if (!t?.verify_staging) return false;
  return stagingAlias(t.aliases) !== undefined && t.aliases[a.alias] !== 'staging';
}

export async function checkStaging(
  ctx: Pick<PlanContext<unknown>, 'targets' | 'ports'>,
  a: { function: string; alias: string; version: string },
): Promise<StagingCheck> {
  const t = lambdaTarget(ctx.targets, a.function);
  const staging = stagingAlias(t.aliases);
  // A promote to staging (any alias whose environment is staging) is what the check looks for.
  if (!staging || !stagingCheckApplies(ctx.targets, a)) {
    return { applies: false, onStaging: true, note: 'no staging check' };
  }
  const now = await ctx.ports.lambda
    .getAlias({ functionName: t.functionName, alias: staging, region: t.region })
    .catch((error: { code?: string }) => {
      if (error.code === 'aws_not_found') return undefined;
      throw error;
    });
  if (now?.version === a.version) {
    return { applies: true, onStaging: true, note: `✓ ${a.version} is on ${staging} now` };
  }
  const history = await ctx.ports.deploys.list({ function: a.function, alias: staging }, 100);
  const was = history.find((e) => e.to === a.version);
  if (was) {
    return {
      applies: true,
      onStaging: true,
      note: `✓ ${a.version} was on ${staging} (${was.kind} by ${was.by} at ${was.at})`,
    };
  }
  return {
    applies: true,
    onStaging: false,
    note: `⚠ ${a.version} has never been on ${staging} (${staging} is at ${now?.version ?? 'unknown'}); verify it in staging first`,
  };
}

/** The run's refusal when the version was never on staging and no break-glass skip was given. */
export function refuseUnverified(
  check: StagingCheck,
  a: { function: string; version: string; skip_staging: boolean },
  emergency: boolean,
) {
  if (check.onStaging) return;
  if (!a.skip_staging) {
    throw new UserError(
      'not_verified_in_staging',
      `${check.note.replace(/^⚠ /, '')}. Promote it to staging first, or (break-glass group only) ask again with skip_staging=true --emergency reason="…"`,
    );
  }
  if (!emergency) {
    throw new UserError(
      'skip_staging_needs_break_glass',
      'skip_staging=true is only for a break-glass run: add --emergency reason="…" (members of the break-glass groups only)',
    );
  }
}
