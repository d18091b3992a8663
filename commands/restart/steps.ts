import {
  type FileConfig,
  PermanentError,
  type Redeploy,
  type ServiceRef,
  type Step,
  step,
  targetOf,
} from '../../src/sdk/index.ts';

/**
 * The steps of a service restart (ECS forceNewDeployment, App Runner StartDeployment, then the
 * rollout watched to the end), shared by `restart` and by `rotate-secret` (its consumers).
 *
 * Exactly once under retries: `note-start` checkpoints the time before anything is started, and
 * `start-redeploy` first looks for a deployment that began since then (the one a crashed attempt
 * of this run started) and adopts it instead of starting a second one.
 */

/** A configured service as the ports see it, with what the plan shows and how to watch it. */
export function serviceTarget(targets: FileConfig['targets'], name: string) {
  const found = targetOf<FileConfig['targets']['services'][string]>(targets, 'services', name);
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

/** The resource a restart of this service holds a lock on. */
export const serviceResource = (name: string) => `service:${name}`;

/** Step names of one service's restart; `prefix` keeps several services apart in one run. */
export function restartStepNames(prefix = '') {
  return {
    noteStart: `${prefix}note-start`,
    startRedeploy: `${prefix}start-redeploy`,
    waitRollout: `${prefix}wait-rollout`,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The three steps that restart the service `name`. `titlePrefix` goes before each title
 * (`Restart drop: `) where the restart is part of another command's run.
 */
export function restartSteps<A>(
  name: string,
  options: { prefix?: string; titlePrefix?: string } = {},
): Step<A>[] {
  const names = restartStepNames(options.prefix);
  const title = (text: string) => `${options.titlePrefix ?? ''}${text}`;
  return [
    step<A>(names.noteStart, title('Note the start time'), async () => ({
      since: new Date().toISOString(),
    })),
    step<A>(
      names.startRedeploy,
      title('Start a new deployment'),
      async ({ targets, ports, results, progress, record }) => {
        const s = serviceTarget(targets, name);
        const { since } = results[names.noteStart] as { since: string };
        // A retry after a crash finds the deployment this run already started instead of a second one.
        const ours = await ports.services.redeploySince(s.ref, since);
        let redeploy: Redeploy;
        if (ours) {
          progress(`found deployment ${ours.id}, started by this run`);
          redeploy = ours;
        } else {
          redeploy = await ports.services.startRedeploy(s.ref);
        }
        record('service.redeploy_started', { service: name, deployment: redeploy.id });
        return { id: redeploy.id, startedAt: redeploy.startedAt, adopted: Boolean(ours) };
      },
    ),
    step<A>(
      names.waitRollout,
      title('Wait for the rollout'),
      async ({ targets, ports, results, progress, record }) => {
        const s = serviceTarget(targets, name);
        const { id } = results[names.startRedeploy] as { id: string };
        const deadline = Date.now() + s.timeoutMs;
        for (;;) {
          const rollout = await ports.services.rollout(s.ref, id);
          progress(`${rollout.state}: ${rollout.detail}`);
          if (rollout.state === 'COMPLETED') {
            record('service.restarted', { service: name, deployment: id });
            return { state: rollout.state, detail: rollout.detail };
          }
          if (rollout.state === 'FAILED') {
            throw new PermanentError(
              'rollout_failed',
              `${name}: deployment ${id} failed (${rollout.detail})`,
            );
          }
          if (Date.now() >= deadline) {
            throw new PermanentError(
              'rollout_timeout',
              `${name}: deployment ${id} still in progress after ${s.timeoutMs / 1000} s (${rollout.detail}); the bot stopped watching, AWS goes on — check the service before retrying`,
            );
          }
          await sleep(Math.min(s.pollMs, Math.max(0, deadline - Date.now())));
        }
      },
    ),
  ];
}

/** IAM statements for restarting these services. */
export function restartPermissions(
  services: FileConfig['targets']['services'][string][],
  region: string,
) {
  return services.map((t) =>
    t.type === 'ecs'
      ? {
          actions: ['ecs:UpdateService', 'ecs:DescribeServices'],
          resources: [`arn:aws:ecs:${t.region ?? region}:*:service/${t.cluster}/${t.service}`],
        }
      : {
          actions: ['apprunner:StartDeployment', 'apprunner:ListOperations'],
          resources: [t.service_arn],
        },
  );
}
