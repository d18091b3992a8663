import type { ServiceRef } from './services.ts';

/** One ECS deployment as DescribeServices lists it. */
export interface EcsDeploymentStatus {
  id: string;
  /** PRIMARY (the newest), ACTIVE (being replaced) or INACTIVE. */
  status: string;
  /** IN_PROGRESS, COMPLETED or FAILED (absent on old deployment types). */
  rolloutState?: string;
  rolloutStateReason?: string;
  running: number;
  desired: number;
}

/** What a service looks like right now (`service-status`). */
export type ServiceStatus =
  | {
      type: 'apprunner';
      /** RUNNING, OPERATION_IN_PROGRESS, PAUSED, CREATE_FAILED, DELETE_FAILED or DELETED. */
      status: string;
      name: string;
      url?: string;
      updatedAt?: string;
    }
  | {
      type: 'ecs';
      /** ACTIVE, DRAINING or INACTIVE. */
      status: string;
      name: string;
      running: number;
      desired: number;
      pending: number;
      deployments: EcsDeploymentStatus[];
    };

/** App Runner DescribeService, ECS DescribeServices: read only. */
export interface ServiceStatusPort {
  describe(service: ServiceRef): Promise<ServiceStatus>;
}
