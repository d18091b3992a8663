/** ECS services and App Runner services (restart). */

export type ServiceRef =
  | { type: 'ecs'; cluster: string; service: string; region?: string }
  | { type: 'apprunner'; serviceArn: string; region?: string };

/** A redeploy started on a service: an ECS deployment id or an App Runner operation id. */
export interface Redeploy {
  id: string;
  /** When AWS says it started (ISO 8601). */
  startedAt: string;
}

export interface Rollout {
  state: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  /** Short human detail: `1/2 tasks running`, the failure reason, the operation status. */
  detail: string;
}

export interface ServicesPort {
  /** Starts a new deployment of the running configuration (ECS forceNewDeployment, App Runner StartDeployment). */
  startRedeploy(service: ServiceRef): Promise<Redeploy>;
  /** The newest redeploy that started at or after `since`, so a retried run adopts its own. */
  redeploySince(service: ServiceRef, since: string): Promise<Redeploy | undefined>;
  rollout(service: ServiceRef, redeployId: string): Promise<Rollout>;
}
