import type { ServiceRef, ServiceStatus, ServiceStatusPort } from '../../sdk/ports/index.ts';

/**
 * SANDBOX service status: every ECS service is ACTIVE with 2/2 tasks and one COMPLETED deployment;
 * every App Runner service is RUNNING. Nothing leaves the machine.
 */
export function sandboxServiceStatus(): ServiceStatusPort {
  return {
    async describe(s: ServiceRef): Promise<ServiceStatus> {
      if (s.type === 'apprunner')
        return {
          type: 'apprunner',
          name: s.serviceArn.split('/').at(-2) ?? 'service',
          status: 'RUNNING',
        };
      return {
        type: 'ecs',
        name: s.service,
        status: 'ACTIVE',
        running: 2,
        desired: 2,
        pending: 0,
        deployments: [
          {
            id: 'ecs-svc/0000000000000000001',
            status: 'PRIMARY',
            rolloutState: 'COMPLETED',
            running: 2,
            desired: 2,
          },
        ],
      };
    },
  };
}
