import {
  defineCommand,
  type FileConfig,
  PermanentError,
  type Redeploy,
  type ServiceRef,
  step,
  targetName,
  UserError,
  z,
} from '../src/sdk/index.ts';

/** Restarts from the AutoStack and Drop runbooks: a new deployment of what runs now, watched to the end. */

const args = z.object({
  service: targetName('services', 'Service to restart (a target name from config)'),
});

type Args = z.output<typeof args>;

function service(targets: FileConfig['targets'], name: string) {
  const found = targets.services[name];
  if (!found) throw new UserError('unknown_target', `no service named ${name} in config`);
  const ref: ServiceRef =
    found.type === 'ecs'
      ? { type: 'ecs', cluster: found.cluster, service: found.service, region: found.region }
      : { type: 'apprunner', serviceArn: found.service_arn, region: found.region };
  const label =
    found.type === 'ecs'
      ? `ECS service ${found.service} in cluster ${found.cluster}`
      : `App Runner service ${found.service_arn.split('/')[1]}`;
  return { ref, label, timeoutMs: found.timeout_seconds * 1000, pollMs: found.poll_interval_ms };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default defineCommand({
  name: 'restart',
  summary: 'Redeploy an ECS or App Runner service and wait for the rollout',
  args,
  positional: ['service'],
  policy: { default: { approvals: 0 } },
  resources: (a: Args) => [`service:${a.service}`],
  permissions: (targets, region) =>
    Object.values(targets.services).map((t) =>
      t.type === 'ecs'
        ? {
            actions: ['ecs:UpdateService', 'ecs:DescribeServices'],
            resources: [`arn:aws:ecs:${t.region ?? region}:*:service/${t.cluster}/${t.service}`],
          }
        : {
            actions: ['apprunner:StartDeployment', 'apprunner:ListOperations'],
            resources: [t.service_arn],
          },
    ),
  validate(a: Args, targets) {
    if (targets.services[a.service]) return [];
    const known = Object.keys(targets.services).join(', ') || 'none configured';
    return [{ field: 'service', message: `no service named ${a.service} (known: ${known})` }];
  },
  async plan({ args: a, targets }) {
    const s = service(targets, a.service);
    const how = s.ref.type === 'ecs' ? 'force a new deployment' : 'start a deployment';
    return {
      summary: `${a.service}: ${how}`,
      details: [`${s.label}${s.ref.region ? ` (${s.ref.region})` : ''}`],
      facts: { type: s.ref.type },
    };
  },
  run: [
    step<Args>('note-start', 'Note the start time', async () => ({
      since: new Date().toISOString(),
    })),
    step<Args>(
      'start-redeploy',
      'Start a new deployment',
      async ({ args: a, targets, aws, results, progress, record }) => {
        const s = service(targets, a.service);
        const { since } = results['note-start'] as { since: string };
        // A retry after a crash finds the deployment this run already started instead of a second one.
        const ours = await aws.services.redeploySince(s.ref, since);
        let redeploy: Redeploy;
        if (ours) {
          progress(`found deployment ${ours.id}, started by this run`);
          redeploy = ours;
        } else {
          redeploy = await aws.services.startRedeploy(s.ref);
        }
        record('service.redeploy_started', { service: a.service, deployment: redeploy.id });
        return { id: redeploy.id, startedAt: redeploy.startedAt, adopted: Boolean(ours) };
      },
    ),
    step<Args>(
      'wait-rollout',
      'Wait for the rollout',
      async ({ args: a, targets, aws, results, progress, record }) => {
        const s = service(targets, a.service);
        const { id } = results['start-redeploy'] as { id: string };
        const deadline = Date.now() + s.timeoutMs;
        for (;;) {
          const rollout = await aws.services.rollout(s.ref, id);
          progress(`${rollout.state}: ${rollout.detail}`);
          if (rollout.state === 'COMPLETED') {
            record('service.restarted', { service: a.service, deployment: id });
            return { state: rollout.state, detail: rollout.detail };
          }
          if (rollout.state === 'FAILED') {
            throw new PermanentError(
              'rollout_failed',
              `${a.service}: deployment ${id} failed (${rollout.detail})`,
            );
          }
          if (Date.now() >= deadline) {
            throw new PermanentError(
              'rollout_timeout',
              `${a.service}: deployment ${id} still in progress after ${s.timeoutMs / 1000} s (${rollout.detail}); the bot stopped watching, AWS goes on — check the service before retrying`,
            );
          }
          await sleep(Math.min(s.pollMs, Math.max(0, deadline - Date.now())));
        }
      },
    ),
  ],
});
