import { AppRunnerClient } from '@aws-sdk/client-apprunner';
import { ECRClient } from '@aws-sdk/client-ecr';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { regionalClients } from '../../src/aws/clients.ts';
import { imagesAdapter } from '../../src/aws/images.ts';

/**
 * A deploy registers a new revision of the service's task definition with only the image changed.
 * RegisterTaskDefinition does not inherit anything from earlier revisions, so every request field
 * DescribeTaskDefinition returns must be sent back, `enableFaultInjection` included.
 */

const ecs = mockClient(ECSClient);
afterEach(() => ecs.reset());

const FAMILY_ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/duck-api';
const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/prod/duck-api';

describe('deployImage copies the task definition whole', () => {
  it('keeps enableFaultInjection on the new revision', async () => {
    const registered: RegisterTaskDefinitionCommandInput[] = [];
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        {
          serviceArn: SERVICE_ARN,
          serviceName: 'duck-api',
          status: 'ACTIVE',
          taskDefinition: `${FAMILY_ARN}:7`,
          desiredCount: 1,
          runningCount: 1,
          deployments: [],
        },
      ],
      failures: [],
    });
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        taskDefinitionArn: `${FAMILY_ARN}:7`,
        family: 'duck-api',
        revision: 7,
        status: 'ACTIVE',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        compatibilities: ['EC2', 'FARGATE'],
        cpu: '256',
        memory: '512',
        enableFaultInjection: true,
        containerDefinitions: [{ name: 'app', image: 'duck:1', essential: true }],
        registeredAt: new Date(),
      },
    });
    ecs.on(RegisterTaskDefinitionCommand).callsFake((input: RegisterTaskDefinitionCommandInput) => {
      registered.push(input);
      return {
        taskDefinition: {
          ...input,
          taskDefinitionArn: `${FAMILY_ARN}:8`,
          revision: 8,
          status: 'ACTIVE',
        },
      };
    });
    ecs.on(UpdateServiceCommand).resolves({
      service: {
        serviceArn: SERVICE_ARN,
        deployments: [
          {
            id: 'ecs-svc/1',
            status: 'PRIMARY',
            taskDefinition: `${FAMILY_ARN}:8`,
            createdAt: new Date(),
            rolloutState: 'IN_PROGRESS',
          },
        ],
      },
    });
    const images = imagesAdapter({
      ecs: regionalClients((c) => new ECSClient(c), 'us-east-1'),
      ecr: regionalClients((c) => new ECRClient(c), 'us-east-1'),
      apprunner: regionalClients((c) => new AppRunnerClient(c), 'us-east-1'),
    });
    await images.deployImage({ type: 'ecs', cluster: 'prod', service: 'duck-api' }, 'duck:2');
    expect(registered).toHaveLength(1);
    expect(registered[0]).toMatchObject({
      family: 'duck-api',
      enableFaultInjection: true,
      containerDefinitions: [{ name: 'app', image: 'duck:2', essential: true }],
    });
    // Response-only fields are not sent back (RegisterTaskDefinition would refuse them).
    expect(registered[0]).not.toHaveProperty('compatibilities');
    expect(registered[0]).not.toHaveProperty('revision');
  });
});
