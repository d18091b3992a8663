import { type AppRunnerClient, DescribeServiceCommand } from '@aws-sdk/client-apprunner';
import { DescribeServicesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { UserError } from '../sdk/errors.ts';
import type { ServiceRef, ServiceStatus, ServiceStatusPort } from '../sdk/ports/index.ts';

import { arnRegion, type RegionalClients } from './clients.ts';
import { awsCall } from './errors.ts';
import { ecsServiceArn } from './services.ts';

type Ecs = Extract<ServiceRef, { type: 'ecs' }>;
type AppRunner = Extract<ServiceRef, { type: 'apprunner' }>;

async function describeEcs(clients: RegionalClients<ECSClient>, s: Ecs): Promise<ServiceStatus> {
  const region = s.region ?? clients.defaultRegion;
  const out = await awsCall(
    { action: 'ecs:DescribeServices', resource: ecsServiceArn(region, s.cluster, s.service) },
    () =>
      clients(s.region).send(
        new DescribeServicesCommand({ cluster: s.cluster, services: [s.service] }),
      ),
  );
  // A missing service comes back in `failures` (reason MISSING), not as an error.
  const found = out.services?.[0];
  if (!found || out.failures?.length)
    throw new UserError(
      'aws_not_found',
      `no such ECS service ${s.service} in cluster ${s.cluster} in ${region}`,
    );
  return {
    type: 'ecs',
    name: found.serviceName ?? s.service,
    status: found.status ?? 'UNKNOWN',
    running: found.runningCount ?? 0,
    desired: found.desiredCount ?? 0,
    pending: found.pendingCount ?? 0,
    deployments: (found.deployments ?? []).map((d) => ({
      id: d.id ?? '',
      status: d.status ?? 'UNKNOWN',
      ...(d.rolloutState ? { rolloutState: d.rolloutState } : {}),
      ...(d.rolloutStateReason ? { rolloutStateReason: d.rolloutStateReason } : {}),
      running: d.runningCount ?? 0,
      desired: d.desiredCount ?? 0,
    })),
  };
}

async function describeAppRunner(
  clients: RegionalClients<AppRunnerClient>,
  s: AppRunner,
): Promise<ServiceStatus> {
  const out = await awsCall({ action: 'apprunner:DescribeService', resource: s.serviceArn }, () =>
    clients(arnRegion(s.serviceArn) ?? s.region).send(
      new DescribeServiceCommand({ ServiceArn: s.serviceArn }),
    ),
  );
  const service = out.Service;
  return {
    type: 'apprunner',
    name: service?.ServiceName ?? s.serviceArn.split('/').at(-2) ?? s.serviceArn,
    status: service?.Status ?? 'UNKNOWN',
    ...(service?.ServiceUrl ? { url: `https://${service.ServiceUrl}` } : {}),
    ...(service?.UpdatedAt ? { updatedAt: service.UpdatedAt.toISOString() } : {}),
  };
}

/** `service-status`: App Runner DescribeService or ECS DescribeServices. */
export function serviceStatusAdapter(clients: {
  ecs: RegionalClients<ECSClient>;
  apprunner: RegionalClients<AppRunnerClient>;
}): ServiceStatusPort {
  return {
    describe: (s) =>
      s.type === 'ecs' ? describeEcs(clients.ecs, s) : describeAppRunner(clients.apprunner, s),
  };
}
