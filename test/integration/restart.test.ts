import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import restart from '../../commands/restart.ts';
import { awsAdapters } from '../../src/aws/adapters.ts';
import type { FileConfig } from '../../src/config/file.ts';
import type { DeployHistoryPort } from '../../src/sdk/ports/index.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { mockAppRunner, mockEcs } from '../helpers/services-mock.ts';
import { runCommand } from '../helpers/step-context.ts';

const noDeploys: DeployHistoryPort = { record: async () => {}, list: async () => [] };
const DROP_ARN =
  'arn:aws:apprunner:eu-west-1:123456789012:service/drop/8fe1e10304f84fd2b0df550fe98a71fa';

function targets(): FileConfig['targets'] {
  const t = exampleConfig().targets;
  for (const s of Object.values(t.services)) {
    s.poll_interval_ms = 5;
    s.timeout_seconds = 2;
  }
  return t;
}

describe('restart against ECS and App Runner (aws-sdk-client-mock)', () => {
  const mocks: { mock: { restore(): void } }[] = [];
  afterEach(() => {
    for (const m of mocks.splice(0)) m.mock.restore();
  });
  const aws = () => awsAdapters('us-east-1', { deploys: noDeploys });

  it('forces a new ECS deployment and follows it to COMPLETED, showing progress', async () => {
    const ecs = mockEcs({ cluster: 'autostack', service: 'autostack-backend' });
    mocks.push(ecs);
    ecs.state.script = ['IN_PROGRESS', 'IN_PROGRESS', 'COMPLETED'];
    const out = await runCommand(
      restart,
      { service: 'autostack-backend' },
      { targets: targets(), ports: aws() },
    );
    expect(ecs.mock.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toMatchObject({
      cluster: 'autostack',
      service: 'autostack-backend',
      forceNewDeployment: true,
    });
    expect(ecs.state.updates).toBe(1);
    expect(out.results['wait-rollout']).toMatchObject({
      state: 'COMPLETED',
      detail: '2/2 tasks running',
    });
    expect(out.progress).toContain('IN_PROGRESS: 1/2 tasks running');
    expect(out.records.map((r) => r.event)).toEqual([
      'service.redeploy_started',
      'service.restarted',
    ]);
  });

  it('judges an ECS deployment without rolloutState (Classic Load Balancer) by its counts and PRIMARY status', async () => {
    const ecs = mockEcs({ cluster: 'autostack', service: 'autostack-backend' });
    mocks.push(ecs);
    ecs.state.noRolloutState = true;
    const out = await runCommand(
      restart,
      { service: 'autostack-backend' },
      { targets: targets(), ports: aws() },
    );
    expect(out.results['wait-rollout']).toMatchObject({
      state: 'COMPLETED',
      detail: '2/2 tasks running',
    });
    expect(out.progress).toContain('IN_PROGRESS: 1/2 tasks running, 1 old still running');
    expect(out.records.map((r) => r.event)).toEqual([
      'service.redeploy_started',
      'service.restarted',
    ]);
  });

  it('fails with the circuit breaker reason when the rollout FAILED', async () => {
    const ecs = mockEcs({ cluster: 'autostack', service: 'autostack-backend' });
    mocks.push(ecs);
    ecs.state.script = ['IN_PROGRESS', 'FAILED'];
    await expect(
      runCommand(restart, { service: 'autostack-backend' }, { targets: targets(), ports: aws() }),
    ).rejects.toMatchObject({
      code: 'rollout_failed',
      message: expect.stringContaining('ECS deployment circuit breaker: tasks failed to start.'),
    });
  });

  it('stops watching after the configured timeout with a clear message', async () => {
    const ecs = mockEcs({ cluster: 'autostack', service: 'autostack-backend' });
    mocks.push(ecs);
    ecs.state.script = ['IN_PROGRESS'];
    const t = targets();
    t.services['autostack-backend']!.timeout_seconds = 0.05;
    await expect(
      runCommand(restart, { service: 'autostack-backend' }, { targets: t, ports: aws() }),
    ).rejects.toMatchObject({
      code: 'rollout_timeout',
      message: expect.stringContaining('still in progress after 0.05 s'),
    });
  });

  it('turns AccessDenied into a sentence naming the action and the service ARN; not retried', async () => {
    const ecs = mockEcs({ cluster: 'autostack', service: 'autostack-backend' });
    mocks.push(ecs);
    ecs.state.denyUpdate = true;
    await expect(
      runCommand(restart, { service: 'autostack-backend' }, { targets: targets(), ports: aws() }),
    ).rejects.toMatchObject({
      kind: 'permanent',
      message:
        "the bot's role lacks `ecs:UpdateService` on arn:aws:ecs:us-east-1:*:service/autostack/autostack-backend",
    });
  });

  it('classifies throttling as transient (retried by the worker)', async () => {
    const ecs = mockEcs({ cluster: 'autostack', service: 'autostack-backend' });
    mocks.push(ecs);
    ecs.state.throttleUpdates = 1;
    await expect(
      runCommand(restart, { service: 'autostack-backend' }, { targets: targets(), ports: aws() }),
    ).rejects.toMatchObject({ kind: 'transient', code: 'aws_throttled' });
    expect(ecs.state.updates).toBe(0);
  });

  it('adopts the deployment it already started when retried after a crash (no second deployment)', async () => {
    const ecs = mockEcs({ cluster: 'autostack', service: 'autostack-backend' });
    mocks.push(ecs);
    const since = new Date(Date.now() - 1000).toISOString();
    // The first attempt sent UpdateService, then died before its checkpoint was written.
    await aws().services.startRedeploy({
      type: 'ecs',
      cluster: 'autostack',
      service: 'autostack-backend',
    });
    const out = await runCommand(
      restart,
      { service: 'autostack-backend' },
      { targets: targets(), ports: aws(), done: { 'note-start': { since } } },
    );
    expect(ecs.state.updates).toBe(1);
    expect(out.results['start-redeploy']).toMatchObject({ adopted: true });
    expect(out.results['wait-rollout']).toMatchObject({ state: 'COMPLETED' });
  });

  it('starts an App Runner deployment and follows its OperationId to SUCCEEDED', async () => {
    const ar = mockAppRunner({ serviceArn: DROP_ARN });
    mocks.push(ar);
    ar.state.script = ['PENDING', 'IN_PROGRESS', 'SUCCEEDED'];
    const out = await runCommand(
      restart,
      { service: 'drop' },
      { targets: targets(), ports: aws() },
    );
    expect(ar.state.starts).toBe(1);
    expect(out.results['wait-rollout']).toMatchObject({ state: 'COMPLETED' });
    expect(out.progress).toContain('IN_PROGRESS: operation IN_PROGRESS');
  });

  it('reports an App Runner deployment that rolled back as failed', async () => {
    const ar = mockAppRunner({ serviceArn: DROP_ARN });
    mocks.push(ar);
    ar.state.script = ['IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCEEDED'];
    await expect(
      runCommand(restart, { service: 'drop' }, { targets: targets(), ports: aws() }),
    ).rejects.toMatchObject({
      code: 'rollout_failed',
      message: expect.stringContaining('ROLLBACK_SUCCEEDED'),
    });
  });
});
