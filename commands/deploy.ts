import { defineCommand, service, step, UserError, z } from '../src/sdk/index.ts';
import { safeDeploySteps, safeProblems } from './deploy/safe.ts';
import { currentImage, deploySteps } from './deploy/steps.ts';
import {
  DEPLOY_POLICY,
  deployEnvironment,
  deployPermissions,
  deployProblems,
  deploysSchema,
  deployTarget,
  imagesOf,
  shortImage,
} from './deploy/targets.ts';
import { serviceResource } from './restart/steps.ts';

/**
 * The Drop runbook's production deploy, steps 5–6: put an ECR image (by tag or digest, pinned to
 * its digest) on an App Runner or ECS service and follow the rollout to the end; recorded in the
 * service's deploy history, which `rollback <service>` reads.
 */

const args = z.object({
  service: service('Service to deploy (a name under targets.services and targets.deploys)'),
  image: z
    .string()
    .regex(
      /^(sha256:[0-9a-f]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/,
      'an image tag (9f3c2ab) or digest (sha256:…)',
    )
    .describe('Image tag or digest in the configured ECR repository'),
  safe: z
    .stringbool()
    .default(false)
    .describe(
      '--safe: snapshot the database, open a maintenance window, check health after the rollout',
    ),
});
type Args = z.output<typeof args>;

export default defineCommand({
  name: 'deploy',
  summary:
    'Deploy an ECR image (tag or digest) to an App Runner or ECS service and follow the rollout',
  args,
  positional: ['service', 'image'],
  flags: ['safe'],
  config: { targets: { deploys: deploysSchema } },
  policy: DEPLOY_POLICY,
  environment: deployEnvironment,
  resources: (a: Args) => [serviceResource(a.service)],
  permissions: deployPermissions,
  validate(a: Args, targets) {
    const problems = deployProblems(targets, a.service);
    return problems.length === 0 && a.safe ? safeProblems(targets, a.service) : problems;
  },
  async plan(ctx) {
    const { args: a, targets, ports } = ctx;
    const t = deployTarget(targets, a.service);
    const found = await imagesOf(ports).resolve(t.repo, a.image);
    if (!found)
      throw new UserError(
        'image_not_found',
        `${t.repository} has no image ${a.image}; push it first (nothing was deployed)`,
      );
    const to = `${t.repository}@${found.digest}`;
    const from = await currentImage(ctx, a.service);
    if (from === to)
      throw new UserError(
        'already_running',
        `${a.service} already runs ${a.image} (${shortImage(to)})`,
      );
    return {
      summary: `${a.service}: ${shortImage(from)} → ${shortImage(to)}${a.safe ? ' (safe)' : ''}`,
      details: [
        `${t.service.label}`,
        ...(a.safe
          ? [
              `first a snapshot of ${t.database} and a maintenance window (alerts muted); after the rollout, health of ${t.health}, then the window closes`,
            ]
          : []),
        `image ${a.image}${found.tags.length ? ` (tags ${found.tags.join(', ')})` : ''}${found.pushedAt ? `, pushed ${found.pushedAt}` : ''}`,
      ],
      facts: { from, to },
    };
  },
  run: (a: Args, targets) => [
    ...(a.safe
      ? safeDeploySteps<Args>(a.service, deployTarget(targets, a.service).database!)
      : deploySteps<Args>(a.service, 'deploy')),
    step<Args>('report', 'Post the result', async ({ results, output }) => {
      const { from, to } = results.record as { from: string; to: string };
      const text = `✓ ${a.service}: ${shortImage(from)} → ${shortImage(to)} deployed`;
      await output.post({ text, blocks: [{ type: 'text', text }] });
      return { deployed: to };
    }),
  ],
});
