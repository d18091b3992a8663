import {
  AppRunnerClient,
  DescribeServiceCommand,
  ListOperationsCommand,
  type OperationSummary,
  StartDeploymentCommand,
} from '@aws-sdk/client-apprunner';
import {
  type Deployment,
  DescribeServicesCommand,
  ECSClient,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { accessDenied, throttled } from './aws-errors.ts';

type RolloutScript = ('IN_PROGRESS' | 'COMPLETED' | 'FAILED')[];

/**
 * One ECS service answered through aws-sdk-client-mock with the real API's shapes: UpdateService
 * with forceNewDeployment adds a PRIMARY deployment (rolloutState IN_PROGRESS) and demotes the old
 * one to ACTIVE; each DescribeServices advances the new deployment along `script`.
 */
export function mockEcs(options: { cluster: string; service: string; region?: string }) {
  const mock = mockClient(ECSClient);
  const region = options.region ?? 'us-east-1';
  const serviceArn = `arn:aws:ecs:${region}:123456789012:service/${options.cluster}/${options.service}`;
  const state = {
    script: ['IN_PROGRESS', 'COMPLETED'] as RolloutScript,
    failReason: 'ECS deployment circuit breaker: tasks failed to start.',
    throttleUpdates: 0,
    denyUpdate: false,
    /**
     * A service behind a Classic Load Balancer (or not on rolling updates): AWS reports no
     * `rolloutState`; each DescribeServices starts one new task and stops one old one.
     */
    noRolloutState: false,
    /** UpdateService calls that started a deployment. */
    updates: 0,
    describes: 0,
    deployments: [
      deployment(
        'ecs-svc/1000000000000000001',
        'PRIMARY',
        'COMPLETED',
        new Date(Date.now() - 86_400_000),
        2,
      ),
    ],
    polls: 0,
  };
  const serviceOut = () => ({
    serviceArn,
    serviceName: options.service,
    clusterArn: `arn:aws:ecs:${region}:123456789012:cluster/${options.cluster}`,
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    launchType: 'FARGATE',
    taskDefinition: state.deployments[0]!.taskDefinition,
    deployments: state.deployments.map((d) => ({ ...d })),
  });
  mock
    .on(UpdateServiceCommand)
    .callsFake(
      (input: { service: string; forceNewDeployment?: boolean; taskDefinition?: string }) => {
        if (state.throttleUpdates > 0) {
          state.throttleUpdates -= 1;
          throw throttled();
        }
        if (state.denyUpdate) throw accessDenied('ecs:UpdateService', serviceArn);
        if (input.service !== options.service)
          throw Object.assign(new Error('Service not found.'), {
            name: 'ServiceNotFoundException',
            $fault: 'client',
            $metadata: { httpStatusCode: 400 },
          });
        // A new task definition starts a deployment as forceNewDeployment does.
        if (input.forceNewDeployment || input.taskDefinition) {
          for (const d of state.deployments) d.status = 'ACTIVE';
          const id = `ecs-svc/${String(2000000000000000000n + BigInt(state.updates))}`;
          const started = deployment(id, 'PRIMARY', 'IN_PROGRESS', new Date(), 0);
          started.taskDefinition = input.taskDefinition ?? state.deployments[0]!.taskDefinition;
          if (state.noRolloutState)
            for (const d of [started, ...state.deployments]) {
              delete d.rolloutState;
              delete d.rolloutStateReason;
            }
          state.deployments.unshift(started);
          state.updates += 1;
          state.polls = 0;
        }
        return { service: serviceOut() };
      },
    );
  mock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => {
    state.describes += 1;
    if (!input.services.includes(options.service)) {
      return {
        services: [],
        failures: input.services.map((s) => ({
          arn: `arn:aws:ecs:${region}:123456789012:service/${options.cluster}/${s}`,
          reason: 'MISSING',
        })),
      };
    }
    const primary = state.deployments[0]!;
    if (state.updates > 0 && state.noRolloutState) {
      state.polls += 1;
      primary.runningCount = Math.min(2, state.polls);
      primary.pendingCount = 2 - primary.runningCount;
      for (const old of state.deployments.slice(1))
        old.runningCount = Math.max(0, (old.runningCount ?? 0) - 1);
      state.deployments = state.deployments.filter((d, i) => i === 0 || d.runningCount! > 0);
    } else if (state.updates > 0 && primary.rolloutState === 'IN_PROGRESS') {
      const next = state.script[Math.min(state.polls, state.script.length - 1)]!;
      state.polls += 1;
      primary.runningCount = next === 'COMPLETED' ? 2 : 1;
      primary.rolloutState = next;
      if (next === 'FAILED') {
        primary.rolloutStateReason = state.failReason;
        primary.failedTasks = 2;
        primary.runningCount = 0;
      }
      if (next === 'COMPLETED') {
        primary.rolloutStateReason = 'ECS deployment ecs-svc completed.';
        state.deployments = [primary];
      }
    }
    return { services: [serviceOut()], failures: [] };
  });
  return { mock, state, serviceArn };
}

function deployment(
  id: string,
  status: string,
  rolloutState: Deployment['rolloutState'],
  createdAt: Date,
  running: number,
): Deployment {
  return {
    id,
    status,
    taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/autostack-backend:17',
    desiredCount: 2,
    pendingCount: 2 - running,
    runningCount: running,
    failedTasks: 0,
    createdAt,
    updatedAt: createdAt,
    launchType: 'FARGATE',
    rolloutState,
    rolloutStateReason:
      rolloutState === 'IN_PROGRESS' ? 'ECS deployment ecs-svc in progress.' : undefined,
  };
}

/**
 * One App Runner service: StartDeployment returns an OperationId; ListOperations (newest first)
 * advances that operation along `script` on each call.
 */
export function mockAppRunner(options: { serviceArn: string }) {
  const mock = mockClient(AppRunnerClient);
  const state = {
    script: ['IN_PROGRESS', 'SUCCEEDED'] as NonNullable<OperationSummary['Status']>[],
    starts: 0,
    lists: 0,
    throttleStarts: 0,
    operations: [
      {
        Id: '0c9a3a8f2e1d4b5c8a7f6e5d4c3b2a10',
        Type: 'CREATE_SERVICE',
        Status: 'SUCCEEDED',
        TargetArn: options.serviceArn,
        StartedAt: new Date(Date.now() - 30 * 86_400_000),
        EndedAt: new Date(Date.now() - 30 * 86_400_000 + 300_000),
        UpdatedAt: new Date(Date.now() - 30 * 86_400_000 + 300_000),
      },
    ] as OperationSummary[],
    polls: 0,
    /** What DescribeService reports as the service's Status. */
    status: 'RUNNING',
  };
  mock.on(StartDeploymentCommand).callsFake((input: { ServiceArn: string }) => {
    if (state.throttleStarts > 0) {
      state.throttleStarts -= 1;
      throw throttled();
    }
    if (input.ServiceArn !== options.serviceArn)
      throw Object.assign(new Error(`Service not found: ${input.ServiceArn}`), {
        name: 'ResourceNotFoundException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    state.starts += 1;
    const id = `${String(state.starts).padStart(4, '0')}d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5`;
    state.operations.unshift({
      Id: id,
      Type: 'START_DEPLOYMENT',
      Status: 'PENDING',
      TargetArn: options.serviceArn,
      StartedAt: new Date(),
      UpdatedAt: new Date(),
    });
    state.polls = 0;
    return { OperationId: id };
  });
  // DescribeService (service-status): the service as AWS describes it, RUNNING unless set.
  mock.on(DescribeServiceCommand).callsFake((input: { ServiceArn: string }) => {
    if (input.ServiceArn !== options.serviceArn)
      throw Object.assign(new Error(`Service not found: ${input.ServiceArn}`), {
        name: 'ResourceNotFoundException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    return {
      Service: {
        ServiceName: options.serviceArn.split('/').at(-2),
        ServiceId: options.serviceArn.split('/').at(-1),
        ServiceArn: options.serviceArn,
        ServiceUrl: 'abc123.eu-west-1.awsapprunner.com',
        CreatedAt: new Date(Date.now() - 30 * 86_400_000),
        UpdatedAt: new Date(),
        Status: state.status,
        SourceConfiguration: {},
        InstanceConfiguration: {},
        NetworkConfiguration: {},
      },
    };
  });
  mock.on(ListOperationsCommand).callsFake(() => {
    state.lists += 1;
    const newest = state.operations[0]!;
    if (
      (newest.Type === 'START_DEPLOYMENT' || newest.Type === 'UPDATE_SERVICE') &&
      !newest.EndedAt
    ) {
      newest.Status = state.script[Math.min(state.polls, state.script.length - 1)]!;
      state.polls += 1;
      newest.UpdatedAt = new Date();
      if (
        newest.Status !== 'IN_PROGRESS' &&
        newest.Status !== 'PENDING' &&
        newest.Status !== 'ROLLBACK_IN_PROGRESS'
      )
        newest.EndedAt = new Date();
    }
    return { OperationSummaryList: state.operations.map((o) => ({ ...o })) };
  });
  return { mock, state };
}
