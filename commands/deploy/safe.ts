import { PermanentError, type Step, step } from '../../src/sdk/index.ts';
import { mark, probeBlock, verdictOf } from '../health/verdict.ts';
import { probeEndpoint } from '../health.ts';
import { snapshotSteps } from '../rds/snapshot.ts';
import { deploySteps } from './steps.ts';
import { deployTarget, shortImage } from './targets.ts';

/**
 * `deploy <service> image=… --safe`: the Drop runbook's production deploy, steps 3, 5, 6 and 7 in
 * one run — snapshot the database, deploy, follow the rollout, check health (with its
 * required_checks). Every step is checkpointed by the worker, so a run retried after a crash
 * skips what finished and the snapshot and deploy steps adopt what a crashed attempt started:
 * never a second snapshot or deployment. When health fails after the rollout the run stops and
 * offers a Roll back button (a normal `rollback <service>` request, with its policy).
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function safeProblems(targets: Parameters<typeof deployTarget>[0], service: string) {
  const t = deployTarget(targets, service);
  const problems: { field: string; message: string }[] = [];
  if (!t.database)
    problems.push({
      field: 'safe',
      message: `--safe needs targets.deploys.${service}.database (the database to snapshot)`,
    });
  if (!t.health)
    problems.push({
      field: 'safe',
      message: `--safe needs targets.deploys.${service}.health (the endpoint to check)`,
    });
  return problems;
}

export function safeDeploySteps<A extends { service: string }>(
  service: string,
  database: string,
): Step<A>[] {
  return [
    ...snapshotSteps<A>(database, {
      prefix: 'snapshot:',
      titlePrefix: `Snapshot ${database}: `,
      reason: () => `deploy ${service} --safe`,
    }),
    ...deploySteps<A>(service, 'deploy'),
    step<A>('health', 'Check health after the rollout', async (ctx) => {
      const t = deployTarget(ctx.targets, service);
      const endpoint = t.health!;
      const deadline = Date.now() + t.health_timeout_seconds * 1000;
      for (;;) {
        const probes = await probeEndpoint({ ...ctx, args: { service: endpoint } });
        const verdict = verdictOf(endpoint, probes);
        ctx.progress(`${mark(verdict.status)} ${verdict.reason}`);
        if (verdict.status !== 'fail') return { status: verdict.status, reason: verdict.reason };
        if (Date.now() >= deadline || ctx.signal.aborted) {
          const { to } = ctx.results.record as { to: string };
          const text = `✗ ${service}: ${shortImage(to)} is deployed but ${endpoint} is not healthy — ${verdict.reason}`;
          await ctx.output.post({
            text,
            blocks: [
              { type: 'text', text: `*${text}*` },
              ...probes.map(probeBlock),
              {
                type: 'buttons',
                buttons: [{ label: 'Roll back', command: `rollback ${service}`, style: 'danger' }],
              },
            ],
          });
          throw new PermanentError(
            'health_failed',
            `${service}: health failed after the rollout (${verdict.reason}); the new image stays until someone rolls back`,
          );
        }
        await sleep(Math.min(t.health_poll_ms, Math.max(0, deadline - Date.now())));
      }
    }),
  ];
}
