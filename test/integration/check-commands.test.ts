import { AppRunnerClient, DescribeServiceCommand } from '@aws-sdk/client-apprunner';
import { ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import logErrors from '../../commands/log-errors.ts';
import serviceStatus from '../../commands/service-status.ts';
import { regionalClients } from '../../src/aws/clients.ts';
import { serviceStatusAdapter } from '../../src/aws/service-status.ts';
import type { AnyCommand } from '../../src/sdk/command.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { exampleConfig } from '../helpers/harness.ts';
import { mockLogs } from '../helpers/logs-mock.ts';
import { mockEcs } from '../helpers/services-mock.ts';

const file = exampleConfig();
const request = {
  id: 'req_x',
  command: 'x',
  requester: 'U0ALICE',
  channel: 'C0OPS',
  environment: 'default',
};
const statusPort = () =>
  serviceStatusAdapter({
    ecs: regionalClients((c) => new ECSClient(c), 'us-east-1'),
    apprunner: regionalClients((c) => new AppRunnerClient(c), 'us-east-1'),
  });
const check = (command: AnyCommand, args: Record<string, unknown>, ports: Partial<Ports>) =>
  command.check!({
    args: command.args.parse(args),
    request,
    targets: file.targets,
    ports: ports as Ports,
    incidents: { listOpen: async () => [] },
  });

describe('service-status check (real adapter, DescribeService / DescribeServices mocked)', () => {
  const restore: (() => void)[] = [];
  afterEach(() => {
    for (const r of restore.splice(0)) r();
  });

  it('App Runner: RUNNING ✓, OPERATION_IN_PROGRESS ⚠, PAUSED ✗', async () => {
    const mock = mockClient(AppRunnerClient);
    restore.push(() => mock.restore());
    const arn =
      file.targets.services.drop!.type === 'apprunner'
        ? file.targets.services.drop!.service_arn
        : '';
    let status = 'RUNNING';
    mock.on(DescribeServiceCommand, { ServiceArn: arn }).callsFake(() => ({
      Service: {
        ServiceName: 'drop',
        ServiceId: '8fe1e10304f84fd2b0df550fe98a71fa',
        ServiceArn: arn,
        ServiceUrl: 'abc123.eu-west-1.awsapprunner.com',
        CreatedAt: new Date('2026-01-01T00:00:00Z'),
        UpdatedAt: new Date('2026-11-30T00:00:00Z'),
        Status: status,
        SourceConfiguration: {},
        InstanceConfiguration: {},
        NetworkConfiguration: {},
      },
    }));
    const ports = { serviceStatus: statusPort() };
    expect(await check(serviceStatus, { service: 'drop' }, ports)).toEqual({
      status: 'ok',
      reason: 'App Runner drop is RUNNING',
      link: 'https://abc123.eu-west-1.awsapprunner.com',
    });
    status = 'OPERATION_IN_PROGRESS';
    expect((await check(serviceStatus, { service: 'drop' }, ports)).status).toBe('warn');
    status = 'PAUSED';
    expect(await check(serviceStatus, { service: 'drop' }, ports)).toMatchObject({
      status: 'fail',
      reason: 'App Runner drop is PAUSED',
    });
  });

  it('ECS: steady ✓, a rollout in flight ⚠, a FAILED deployment ✗', async () => {
    const ecs = mockEcs({ cluster: 'autostack', service: 'autostack-backend' });
    restore.push(() => ecs.mock.restore());
    const ports = { serviceStatus: statusPort() };
    expect(await check(serviceStatus, { service: 'autostack-backend' }, ports)).toEqual({
      status: 'ok',
      reason: 'ECS autostack-backend: 2/2 tasks running, steady',
      values: { running: 2, desired: 2, deployments: 1 },
    });
    const old = ecs.state.deployments[0]!;
    ecs.state.deployments = [
      { ...old, id: 'ecs-svc/2000000000000000002', status: 'PRIMARY', rolloutState: 'IN_PROGRESS' },
      { ...old, status: 'ACTIVE' },
    ];
    expect(await check(serviceStatus, { service: 'autostack-backend' }, ports)).toMatchObject({
      status: 'warn',
      reason: 'ECS autostack-backend: 2/2 tasks running, 2 deployments (rolling out)',
    });
    ecs.state.deployments[0]!.rolloutState = 'FAILED';
    ecs.state.deployments[0]!.rolloutStateReason =
      'ECS deployment circuit breaker: tasks failed to start.';
    expect(await check(serviceStatus, { service: 'autostack-backend' }, ports)).toMatchObject({
      status: 'fail',
      reason:
        'ECS autostack-backend: deployment FAILED (ECS deployment circuit breaker: tasks failed to start.), 2/2 tasks running',
    });
  });
});

describe('log-errors check (real logs adapter, FilterLogEvents mocked)', () => {
  it('counts ERROR events over every page in the window and fails above max', async () => {
    const now = Date.now();
    const events = [
      ...Array.from({ length: 25 }, (_, i) => ({
        timestamp: now - i * 60_000,
        message: `ERROR boom ${i}`,
      })),
      { timestamp: now - 1000, message: 'INFO fine' },
      { timestamp: now - 30 * 3_600_000, message: 'ERROR too old' },
    ];
    const logs = mockLogs({ events: () => events, pageSize: 10, emptyEvery: 2 });
    try {
      const over = await check(
        logErrors,
        { target: 'mantissa-log-detector', since: '24h', max: '3' },
        { logs: logs.port },
      );
      expect(over).toMatchObject({
        status: 'fail',
        reason: '25 ERROR events in 24 h in mantissa-log-detector (max 3)',
        values: { errors: 25 },
      });
      expect(over.link).toContain(
        'cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fmantissa-log-detector',
      );
      const under = await check(
        logErrors,
        { target: 'mantissa-log-detector', since: '24h', max: '25' },
        { logs: logs.port },
      );
      expect(under.status).toBe('ok');
    } finally {
      logs.mock.restore();
    }
  });
});
