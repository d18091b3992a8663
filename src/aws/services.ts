import {
  type AppRunnerClient,
  ListOperationsCommand,
  type OperationSummary,
  StartDeploymentCommand,
} from '@aws-sdk/client-apprunner';
import {
  type Deployment,
  DescribeServicesCommand,
  type ECSClient,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { UserError } from '../sdk/errors.ts';
import type { Redeploy, Rollout, ServiceRef, ServicesPort } from '../sdk/ports/index.ts';
import { arnRegion, type RegionalClients } from './clients.ts';
import { awsCall } from './errors.ts';

type Ecs = Extract<ServiceRef, { type: 'ecs' }>;
type AppRunner = Extract<ServiceRef, { type: 'apprunner' }>;

/** The ARN an IAM policy names for an ECS service (account unknown here: `*`). */
export function ecsServiceArn(region: string, cluster: string, service: string, account = '*') {
  return `arn:aws:ecs:${region}:${account}:service/${cluster}/${service}`;
}

const iso = (date: Date | undefined) => (date ?? new Date()).toISOString();

/**
 * Where an ECS deployment stands. AWS reports no `rolloutState` for services behind a Classic Load
 * Balancer or not using rolling updates; then the deployment is done when it is PRIMARY, runs its
 * desired count with none pending, and no older deployment still runs tasks.
 */
export function ecsRollout(deployment: Deployment, all: Deployment[] = [deployment]): Rollout {
  const tasks = `${deployment.runningCount ?? 0}/${deployment.desiredCount ?? 0} tasks running`;
  const reason = deployment.rolloutStateReason ? ` — ${deployment.rolloutStateReason}` : '';
  const state = deployment.rolloutState;
  if (state === 'COMPLETED') return { state, detail: tasks };
  if (state === 'FAILED') return { state, detail: `${tasks}${reason}` };
  if (state) return { state: 'IN_PROGRESS', detail: tasks };
  if (deployment.status !== 'PRIMARY')
    return {
      state: 'FAILED',
      detail: `deployment is ${deployment.status ?? 'not primary'}: a newer deployment replaced it`,
    };
  const older = all.filter((d) => d.id !== deployment.id && (d.runningCount ?? 0) > 0);
  const done =
    (deployment.runningCount ?? 0) === (deployment.desiredCount ?? 0) &&
    (deployment.pendingCount ?? 0) === 0 &&
    older.length === 0;
  if (done) return { state: 'COMPLETED', detail: tasks };
  const draining = older.reduce((n, d) => n + (d.runningCount ?? 0), 0);
  return {
    state: 'IN_PROGRESS',
    detail: draining > 0 ? `${tasks}, ${draining} old still running` : tasks,
  };
}

/** App Runner operation status → rollout state. A rolled-back deployment failed. */
function appRunnerRollout(op: OperationSummary): Rollout {
  const status = op.Status ?? 'PENDING';
  if (status === 'SUCCEEDED') return { state: 'COMPLETED', detail: 'operation SUCCEEDED' };
  if (status === 'FAILED' || status.startsWith('ROLLBACK_'))
    return {
      state: status === 'ROLLBACK_IN_PROGRESS' ? 'IN_PROGRESS' : 'FAILED',
      detail: `operation ${status}`,
    };
  return { state: 'IN_PROGRESS', detail: `operation ${status}` };
}

function ecsPort(clients: RegionalClients<ECSClient>) {
  const region = (s: Ecs) => s.region ?? clients.defaultRegion;
  const where = (s: Ecs) => ecsServiceArn(region(s), s.cluster, s.service);
  const deployments = async (s: Ecs) => {
    const out = await awsCall({ action: 'ecs:DescribeServices', resource: where(s) }, () =>
      clients(s.region).send(
        new DescribeServicesCommand({ cluster: s.cluster, services: [s.service] }),
      ),
    );
    const found = out.services?.[0];
    if (!found || out.failures?.length) {
      throw new UserError(
        'aws_not_found',
        `no such ECS service ${s.service} in cluster ${s.cluster} in ${region(s)}`,
      );
    }
    return found.deployments ?? [];
  };
  return {
    async startRedeploy(s: Ecs): Promise<Redeploy> {
      const out = await awsCall({ action: 'ecs:UpdateService', resource: where(s) }, () =>
        clients(s.region).send(
          new UpdateServiceCommand({
            cluster: s.cluster,
            service: s.service,
            forceNewDeployment: true,
          }),
        ),
      );
      const primary = out.service?.deployments?.find((d) => d.status === 'PRIMARY');
      if (!primary?.id) {
        throw new UserError(
          'no_deployment',
          `ECS accepted the update of ${s.service} but listed no new deployment`,
        );
      }
      return { id: primary.id, startedAt: iso(primary.createdAt) };
    },
    async redeploySince(s: Ecs, since: string): Promise<Redeploy | undefined> {
      const newest = (await deployments(s))
        .filter((d) => d.id && d.createdAt && d.createdAt.getTime() >= Date.parse(since))
        .sort((a, b) => b.createdAt!.getTime() - a.createdAt!.getTime())[0];
      return newest ? { id: newest.id!, startedAt: iso(newest.createdAt) } : undefined;
    },
    async rollout(s: Ecs, id: string): Promise<Rollout> {
      const all = await deployments(s);
      const deployment = all.find((d) => d.id === id);
      if (!deployment)
        return {
          state: 'FAILED',
          detail: `deployment ${id} is no longer listed: a newer deployment replaced it`,
        };
      return ecsRollout(deployment, all);
    },
  };
}

function appRunnerPort(apprunner: RegionalClients<AppRunnerClient>) {
  /** App Runner answers for a service only in the region its ARN names. */
  const clients = (s: AppRunner) => apprunner(arnRegion(s.serviceArn) ?? s.region);
  const operations = async function* (s: AppRunner) {
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await awsCall(
        { action: 'apprunner:ListOperations', resource: s.serviceArn },
        () =>
          clients(s).send(
            new ListOperationsCommand({
              ServiceArn: s.serviceArn,
              NextToken: next,
              MaxResults: 20,
            }),
          ),
      );
      yield* page.OperationSummaryList ?? [];
      next = page.NextToken;
      pages += 1;
    } while (next && pages < 10);
  };
  return {
    async startRedeploy(s: AppRunner): Promise<Redeploy> {
      const out = await awsCall(
        { action: 'apprunner:StartDeployment', resource: s.serviceArn },
        () => clients(s).send(new StartDeploymentCommand({ ServiceArn: s.serviceArn })),
      );
      return { id: out.OperationId ?? '', startedAt: new Date().toISOString() };
    },
    async redeploySince(s: AppRunner, since: string): Promise<Redeploy | undefined> {
      for await (const op of operations(s)) {
        if (op.Type !== 'START_DEPLOYMENT' || !op.Id || !op.StartedAt) continue;
        if (op.StartedAt.getTime() >= Date.parse(since))
          return { id: op.Id, startedAt: iso(op.StartedAt) };
      }
      return undefined;
    },
    async rollout(s: AppRunner, id: string): Promise<Rollout> {
      for await (const op of operations(s)) if (op.Id === id) return appRunnerRollout(op);
      return { state: 'IN_PROGRESS', detail: `operation ${id} not listed yet` };
    },
  };
}

export function servicesAdapter(clients: {
  ecs: RegionalClients<ECSClient>;
  apprunner: RegionalClients<AppRunnerClient>;
}): ServicesPort {
  const ecs = ecsPort(clients.ecs);
  const apprunner = appRunnerPort(clients.apprunner);
  return {
    startRedeploy: (s) => (s.type === 'ecs' ? ecs.startRedeploy(s) : apprunner.startRedeploy(s)),
    redeploySince: (s, since) =>
      s.type === 'ecs' ? ecs.redeploySince(s, since) : apprunner.redeploySince(s, since),
    rollout: (s, id) => (s.type === 'ecs' ? ecs.rollout(s, id) : apprunner.rollout(s, id)),
  };
}
