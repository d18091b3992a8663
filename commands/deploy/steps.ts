import {
  PermanentError,
  type Plan,
  type PlanContext,
  type Step,
  step,
  UserError,
} from '../../src/sdk/index.ts';
import { deployTarget, imagesOf, shortImage } from './targets.ts';

/**
 * The steps that put an image on a service and follow the rollout, shared by `deploy` and by
 * `rollback <service>`. The image to run comes from the approved plan (`facts.to`).
 *
 * Exactly once under retries: `note-start` checkpoints the time first; `start-deploy` adopts a
 * deployment that began since then when the service already names the planned image, instead of
 * starting a second one.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function plannedImages(plan: Plan | undefined) {
  const f = plan?.facts ?? {};
  if (typeof f.from !== 'string' || typeof f.to !== 'string')
    throw new PermanentError('no_plan', 'a deploy runs only with the plan it was approved with');
  return { from: f.from, to: f.to, undoes: typeof f.undoes === 'string' ? f.undoes : undefined };
}

/** The image a service runs now, by digest when ECR knows the tag it names. */
export async function currentImage(ctx: PlanContext<unknown>, service: string) {
  const t = deployTarget(ctx.targets, service);
  return imagesOf(ctx.ports).currentImage(t.service.ref, t.container);
}

export function deploySteps<A>(
  service: string,
  kind: 'deploy' | 'rollback',
  options: { prefix?: string; titlePrefix?: string } = {},
): Step<A>[] {
  const p = options.prefix ?? '';
  const title = (text: string) => `${options.titlePrefix ?? ''}${text}`;
  return [
    step<A>(`${p}note-start`, title('Note the start time'), async () => ({
      since: new Date().toISOString(),
    })),
    step<A>(`${p}start-deploy`, title('Point the service at the new image'), async (ctx) => {
      const { to, from } = plannedImages(ctx.plan);
      const t = deployTarget(ctx.targets, service);
      const images = imagesOf(ctx.ports);
      const { since } = ctx.results[`${p}note-start`] as { since: string };
      const now = await images.currentImage(t.service.ref, t.container);
      if (now === to) {
        const ours = await images.deploySince(t.service.ref, since);
        if (ours) {
          ctx.progress(`found deployment ${ours.id}, started by this run`);
          return { id: ours.id, adopted: true };
        }
      } else if (now !== from)
        throw new UserError(
          'image_changed',
          `${service} runs ${shortImage(now)}, not ${shortImage(from)} as planned: it was changed outside this run; nothing was deployed`,
        );
      const started = await images.deployImage(t.service.ref, to, t.container);
      ctx.record('service.image_deploy_started', {
        service,
        deployment: started.id,
        image: to,
        ...(started.taskDefinition ? { task_definition: started.taskDefinition } : {}),
      });
      return { id: started.id, adopted: false };
    }),
    step<A>(`${p}wait-rollout`, title('Follow the rollout'), async (ctx) => {
      const t = deployTarget(ctx.targets, service);
      const { id } = ctx.results[`${p}start-deploy`] as { id: string };
      const deadline = Date.now() + t.service.timeoutMs;
      for (;;) {
        const rollout = await ctx.ports.services.rollout(t.service.ref, id);
        ctx.progress(`${rollout.state}: ${rollout.detail}`);
        if (rollout.state === 'COMPLETED') return { state: rollout.state, detail: rollout.detail };
        if (rollout.state === 'FAILED')
          throw new PermanentError(
            'rollout_failed',
            `${service}: deployment ${id} failed (${rollout.detail}); the service may still run the old image — check it, then roll back or retry`,
          );
        if (Date.now() >= deadline)
          throw new PermanentError(
            'rollout_timeout',
            `${service}: deployment ${id} still in progress after ${t.service.timeoutMs / 1000} s (${rollout.detail}); AWS goes on — check the service before retrying`,
          );
        await sleep(Math.min(t.service.pollMs, Math.max(0, deadline - Date.now())));
      }
    }),
    step<A>(`${p}record`, title('Record the deploy'), async (ctx) => {
      const { from, to, undoes } = plannedImages(ctx.plan);
      await ctx.ports.deploys.record(
        { service },
        {
          kind,
          runId: ctx.runId,
          from,
          to,
          by: ctx.request.requester,
          at: new Date().toISOString(),
          ...(undoes ? { undoes } : {}),
        },
      );
      ctx.record(kind === 'deploy' ? 'service.image_deployed' : 'service.rolled_back', {
        service,
        from,
        to,
      });
      return { from, to };
    }),
  ];
}
