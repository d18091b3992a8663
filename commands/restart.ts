import { defineCommand, service, z } from '../src/sdk/index.ts';
import {
  restartPermissions,
  restartSteps,
  serviceResource,
  serviceTarget,
} from './restart/steps.ts';

/** Restarts from the AutoStack and Drop runbooks: a new deployment of what runs now, watched to the end. */

const args = z.object({
  service: service('Service to restart (a target name from config)'),
});

type Args = z.output<typeof args>;

export default defineCommand({
  name: 'restart',
  summary: 'Redeploy an ECS or App Runner service and wait for the rollout',
  args,
  positional: ['service'],
  policy: { default: { approvals: 0 } },
  resources: (a: Args) => [serviceResource(a.service)],
  permissions: (targets, region) => restartPermissions(Object.values(targets.services), region),
  async plan({ args: a, targets }) {
    const s = serviceTarget(targets, a.service);
    const how = s.ref.type === 'ecs' ? 'force a new deployment' : 'start a deployment';
    return {
      summary: `${a.service}: ${how}`,
      details: [`${s.label}${s.ref.region ? ` (${s.ref.region})` : ''}`],
      facts: { type: s.ref.type },
    };
  },
  run: (a: Args) => restartSteps<Args>(a.service),
});
