import { randomBytes } from 'node:crypto';
import type { Redeploy, Rollout, ServiceRef, ServicesPort } from '../../sdk/ports/index.ts';

/**
 * SANDBOX ECS and App Runner, in memory: a redeploy rolls out over `rolloutMs` (IN_PROGRESS with
 * tasks coming up one by one, then COMPLETED). An ECS deployment replaced by a newer one before it
 * finished is no longer listed, as in ECS.
 */
export interface SandboxServicesOptions {
  rolloutMs?: number;
  /** Tasks an ECS service runs. */
  desiredTasks?: number;
  now?: () => number;
}

interface Deployment {
  id: string;
  startedAt: number;
}

const serviceKey = (s: ServiceRef) =>
  s.type === 'ecs'
    ? `ecs|${s.region ?? ''}|${s.cluster}|${s.service}`
    : `apprunner|${s.serviceArn}`;

export class SandboxServices implements ServicesPort {
  private readonly deployments = new Map<string, Deployment[]>();
  private readonly rolloutMs: number;
  private readonly desired: number;
  private readonly now: () => number;

  constructor(options: SandboxServicesOptions = {}) {
    this.rolloutMs = options.rolloutMs ?? 6000;
    this.desired = options.desiredTasks ?? 2;
    this.now = options.now ?? Date.now;
  }

  async startRedeploy(service: ServiceRef): Promise<Redeploy> {
    const id =
      service.type === 'ecs'
        ? `ecs-svc/${BigInt(`0x${randomBytes(8).toString('hex')}`)
            .toString()
            .padStart(19, '0')
            .slice(0, 19)}`
        : randomBytes(16).toString('hex');
    const deployment = { id, startedAt: this.now() };
    const list = this.deployments.get(serviceKey(service)) ?? [];
    list.push(deployment);
    this.deployments.set(serviceKey(service), list);
    return { id, startedAt: new Date(deployment.startedAt).toISOString() };
  }

  async redeploySince(service: ServiceRef, since: string): Promise<Redeploy | undefined> {
    const newest = (this.deployments.get(serviceKey(service)) ?? [])
      .filter((d) => d.startedAt >= Date.parse(since))
      .at(-1);
    return newest
      ? { id: newest.id, startedAt: new Date(newest.startedAt).toISOString() }
      : undefined;
  }

  async rollout(service: ServiceRef, redeployId: string): Promise<Rollout> {
    const list = this.deployments.get(serviceKey(service)) ?? [];
    const index = list.findIndex((d) => d.id === redeployId);
    const done = (d: Deployment) => this.now() - d.startedAt >= this.rolloutMs;
    if (service.type === 'apprunner') {
      if (index < 0)
        return { state: 'IN_PROGRESS', detail: `operation ${redeployId} not listed yet` };
      return done(list[index]!)
        ? { state: 'COMPLETED', detail: 'operation SUCCEEDED' }
        : { state: 'IN_PROGRESS', detail: 'operation IN_PROGRESS' };
    }
    const deployment = list[index];
    if (!deployment || (index < list.length - 1 && !done(deployment)))
      return {
        state: 'FAILED',
        detail: `deployment ${redeployId} is no longer listed: a newer deployment replaced it`,
      };
    const elapsed = this.now() - deployment.startedAt;
    if (elapsed >= this.rolloutMs)
      return { state: 'COMPLETED', detail: `${this.desired}/${this.desired} tasks running` };
    const running = Math.min(
      this.desired - 1,
      Math.floor((elapsed / this.rolloutMs) * this.desired),
    );
    return { state: 'IN_PROGRESS', detail: `${running}/${this.desired} tasks running` };
  }
}
