import { UpdateServiceCommand as UpdateAppRunnerService } from '@aws-sdk/client-apprunner';
import { RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import deploy from '../../commands/deploy.ts';
import rollback from '../../commands/rollback.ts';
import { awsAdapters } from '../../src/aws/adapters.ts';
import type { FileConfig } from '../../src/config/file.ts';
import type { DeployEntry, DeployHistoryPort } from '../../src/sdk/ports/index.ts';
import { exampleConfig } from '../helpers/harness.ts';
import {
  digestOf,
  mockEcr,
  withAppRunnerImage,
  withEcsTaskDefinitions,
} from '../helpers/images-mock.ts';
import { mockAppRunner, mockEcs } from '../helpers/services-mock.ts';
import { runCommand, stepContext } from '../helpers/step-context.ts';

const DROP_ARN =
  'arn:aws:apprunner:eu-west-1:123456789012:service/drop/8fe1e10304f84fd2b0df550fe98a71fa';
const DROP_REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/drop-web';
const AUTOSTACK_REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/autostack-backend';

function targets(): FileConfig['targets'] {
  const t = exampleConfig().targets as FileConfig['targets'] & { deploys: unknown };
  for (const s of Object.values(t.services)) {
    s.poll_interval_ms = 5;
    s.timeout_seconds = 2;
  }
  t.deploys = {
    drop: { repository: DROP_REPO },
    'autostack-backend': { repository: AUTOSTACK_REPO, container: 'app' },
  };
  return t;
}

/** Deploy history per target, in memory. */
function history() {
  const by = new Map<string, DeployEntry[]>();
  const key = (t: object) => JSON.stringify(t);
  const port: DeployHistoryPort = {
    record: async (t, e) => {
      const list = by.get(key(t)) ?? [];
      if (!list.some((x) => x.runId === e.runId)) list.unshift(e);
      by.set(key(t), list);
    },
    list: async (t, limit = 10) => (by.get(key(t)) ?? []).slice(0, limit),
  };
  return { port, by };
}

describe('deploy an image to App Runner and ECS (aws-sdk-client-mock)', () => {
  const mocks: { mock: { restore(): void } }[] = [];
  afterEach(() => {
    for (const m of mocks.splice(0)) m.mock.restore();
  });
  const use = <M extends { mock: { restore(): void } }>(m: M) => {
    mocks.push(m);
    return m;
  };

  it('App Runner: resolves the tag to its digest, plans cur → new, UpdateService, follows to SUCCEEDED, records history', async () => {
    use(mockEcr({ registryId: '123456789012', repository: 'drop-web', region: 'eu-west-1' }));
    const ar = use(mockAppRunner({ serviceArn: DROP_ARN }));
    const service = withAppRunnerImage(ar, `${DROP_REPO}@${digestOf(42)}`);
    const h = history();
    const out = await runCommand(
      deploy,
      { service: 'drop', image: '9f3c2ab' },
      { targets: targets(), ports: awsAdapters('us-east-1', { deploys: h.port }) },
    );
    expect(out.plan!.summary).toBe(
      `drop: ${digestOf(42).slice(0, 19)} → ${digestOf(43).slice(0, 19)}`,
    );
    const update = ar.mock.commandCalls(UpdateAppRunnerService)[0]!.args[0].input;
    expect(update.SourceConfiguration!.ImageRepository).toEqual({
      ImageIdentifier: `${DROP_REPO}@${digestOf(43)}`,
      ImageRepositoryType: 'ECR',
      ImageConfiguration: { Port: '3000' },
    });
    // The access role App Runner pulls with is kept, not dropped by the update.
    expect(update.SourceConfiguration!.AuthenticationConfiguration).toEqual({
      AccessRoleArn: 'arn:aws:iam::123456789012:role/drop-apprunner-ecr',
    });
    expect(service.image).toBe(`${DROP_REPO}@${digestOf(43)}`);
    expect(out.results['wait-rollout']).toMatchObject({ state: 'COMPLETED' });
    expect(h.by.get(JSON.stringify({ service: 'drop' }))).toMatchObject([
      { kind: 'deploy', from: `${DROP_REPO}@${digestOf(42)}`, to: `${DROP_REPO}@${digestOf(43)}` },
    ]);
  });

  it('refuses a tag the repository does not have, deploying nothing', async () => {
    use(mockEcr({ registryId: '123456789012', repository: 'drop-web', region: 'eu-west-1' }));
    const ar = use(mockAppRunner({ serviceArn: DROP_ARN }));
    withAppRunnerImage(ar, `${DROP_REPO}@${digestOf(42)}`);
    await expect(
      runCommand(
        deploy,
        { service: 'drop', image: 'nope123' },
        { targets: targets(), ports: awsAdapters('us-east-1', { deploys: history().port }) },
      ),
    ).rejects.toThrow(`${DROP_REPO} has no image nope123; push it first (nothing was deployed)`);
    expect(ar.mock.commandCalls(UpdateAppRunnerService)).toHaveLength(0);
  });

  it('App Runner: a deployment that rolled back fails the run and records nothing', async () => {
    use(mockEcr({ registryId: '123456789012', repository: 'drop-web', region: 'eu-west-1' }));
    const ar = use(mockAppRunner({ serviceArn: DROP_ARN }));
    ar.state.script = ['IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCEEDED'];
    withAppRunnerImage(ar, `${DROP_REPO}@${digestOf(42)}`);
    const h = history();
    await expect(
      runCommand(
        deploy,
        { service: 'drop', image: 'v41' },
        { targets: targets(), ports: awsAdapters('us-east-1', { deploys: h.port }) },
      ),
    ).rejects.toThrow(/deployment .* failed \(operation ROLLBACK_SUCCEEDED\)/);
    expect(h.by.size).toBe(0);
  });

  it('ECS: registers a new task definition revision with only the named container image replaced, then UpdateService', async () => {
    use(
      mockEcr({ registryId: '123456789012', repository: 'autostack-backend', region: 'us-east-1' }),
    );
    const ecs = use(mockEcs({ cluster: 'autostack', service: 'autostack-backend' }));
    const tds = withEcsTaskDefinitions(ecs, `${AUTOSTACK_REPO}:v41`);
    const out = await runCommand(
      deploy,
      { service: 'autostack-backend', image: 'v42' },
      { targets: targets(), ports: awsAdapters('us-east-1', { deploys: history().port }) },
    );
    expect(out.plan!.summary).toBe(`autostack-backend: v41 → ${digestOf(42).slice(0, 19)}`);
    const registered = ecs.mock.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input;
    expect(registered).toMatchObject({
      family: 'autostack-backend',
      networkMode: 'awsvpc',
      cpu: '512',
      executionRoleArn: 'arn:aws:iam::123456789012:role/autostack-task-execution',
    });
    expect(registered.containerDefinitions!.map((c) => c.image)).toEqual([
      `${AUTOSTACK_REPO}@${digestOf(42)}`,
      'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
    ]);
    expect(ecs.mock.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({
      cluster: 'autostack',
      service: 'autostack-backend',
      taskDefinition: tds.registered[0],
    });
    expect(out.results['wait-rollout']).toMatchObject({
      state: 'COMPLETED',
      detail: '2/2 tasks running',
    });
  });

  it('ECS without rolloutState (Classic Load Balancer) completes from its counts', async () => {
    use(
      mockEcr({ registryId: '123456789012', repository: 'autostack-backend', region: 'us-east-1' }),
    );
    const ecs = use(mockEcs({ cluster: 'autostack', service: 'autostack-backend' }));
    ecs.state.noRolloutState = true;
    withEcsTaskDefinitions(ecs, `${AUTOSTACK_REPO}:v41`);
    const out = await runCommand(
      deploy,
      { service: 'autostack-backend', image: 'v42' },
      { targets: targets(), ports: awsAdapters('us-east-1', { deploys: history().port }) },
    );
    expect(out.results['wait-rollout']).toMatchObject({ state: 'COMPLETED' });
  });

  it('ECS: a failed rollout (circuit breaker) fails the run', async () => {
    use(
      mockEcr({ registryId: '123456789012', repository: 'autostack-backend', region: 'us-east-1' }),
    );
    const ecs = use(mockEcs({ cluster: 'autostack', service: 'autostack-backend' }));
    ecs.state.script = ['IN_PROGRESS', 'FAILED'];
    withEcsTaskDefinitions(ecs, `${AUTOSTACK_REPO}:v41`);
    await expect(
      runCommand(
        deploy,
        { service: 'autostack-backend', image: 'v42' },
        { targets: targets(), ports: awsAdapters('us-east-1', { deploys: history().port }) },
      ),
    ).rejects.toThrow(/circuit breaker/);
  });

  it('a retry after the update was sent adopts that deployment instead of a second one', async () => {
    use(mockEcr({ registryId: '123456789012', repository: 'drop-web', region: 'eu-west-1' }));
    const ar = use(mockAppRunner({ serviceArn: DROP_ARN }));
    withAppRunnerImage(ar, `${DROP_REPO}@${digestOf(42)}`);
    const ports = awsAdapters('us-east-1', { deploys: history().port });
    const first = stepContext({
      command: deploy,
      args: { service: 'drop', image: '9f3c2ab' },
      ports,
      targets: targets(),
    });
    first.ctx.plan = await deploy.plan!(first.ctx);
    await first.runStep('note-start');
    await first.runStep('start-deploy');
    // The worker dies before checkpointing start-deploy: the retry runs it again.
    const retry = stepContext({
      command: deploy,
      args: { service: 'drop', image: '9f3c2ab' },
      ports,
      targets: targets(),
      plan: first.ctx.plan,
      done: { 'note-start': first.ctx.results['note-start'] },
    });
    await retry.runAll();
    expect(ar.mock.commandCalls(UpdateAppRunnerService)).toHaveLength(1);
    expect(retry.ctx.results['start-deploy']).toMatchObject({ adopted: true });
  });

  it('rollback <service> goes back to the image before the last deploy; a second rollback finds nothing to undo', async () => {
    use(mockEcr({ registryId: '123456789012', repository: 'drop-web', region: 'eu-west-1' }));
    const ar = use(mockAppRunner({ serviceArn: DROP_ARN }));
    const service = withAppRunnerImage(ar, `${DROP_REPO}@${digestOf(42)}`);
    const h = history();
    const ports = awsAdapters('us-east-1', { deploys: h.port });
    await runCommand(
      deploy,
      { service: 'drop', image: '9f3c2ab' },
      { targets: targets(), ports, runId: 'run-deploy' },
    );
    const out = await runCommand(
      rollback,
      { function: 'drop' },
      { targets: targets(), ports, runId: 'run-rollback' },
    );
    expect(out.plan!.summary).toBe(
      `drop: ${digestOf(43).slice(0, 19)} → ${digestOf(42).slice(0, 19)}`,
    );
    expect(service.image).toBe(`${DROP_REPO}@${digestOf(42)}`);
    expect(ar.mock.commandCalls(UpdateAppRunnerService)).toHaveLength(2);
    expect(h.by.get(JSON.stringify({ service: 'drop' }))![0]).toMatchObject({
      kind: 'rollback',
      undoes: 'run-deploy',
    });
    await expect(
      runCommand(rollback, { function: 'drop' }, { targets: targets(), ports, runId: 'run-again' }),
    ).rejects.toThrow(/no record of a deploy of drop/);
  });

  it('rollback <service> refuses when the service was changed outside opsbot', async () => {
    use(mockEcr({ registryId: '123456789012', repository: 'drop-web', region: 'eu-west-1' }));
    const ar = use(mockAppRunner({ serviceArn: DROP_ARN }));
    const service = withAppRunnerImage(ar, `${DROP_REPO}@${digestOf(42)}`);
    const ports = awsAdapters('us-east-1', { deploys: history().port });
    await runCommand(deploy, { service: 'drop', image: '9f3c2ab' }, { targets: targets(), ports });
    service.image = `${DROP_REPO}:hotfix`; // someone used the console
    await expect(
      runCommand(
        rollback,
        { function: 'drop' },
        { targets: targets(), ports, runId: 'run-rollback' },
      ),
    ).rejects.toThrow(
      'drop runs hotfix, but the last deploy (run-test) set sha256:004300430043; it was changed outside opsbot',
    );
    expect(ar.mock.commandCalls(UpdateAppRunnerService)).toHaveLength(1);
  });
});
