import { AppRunnerClient } from '@aws-sdk/client-apprunner';
import { ECRClient } from '@aws-sdk/client-ecr';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandInput,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type Tag,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { deployPermissions } from '../../commands/deploy/targets.ts';
import { regionalClients } from '../../src/aws/clients.ts';
import { imagesAdapter } from '../../src/aws/images.ts';
import { buildIamPolicy } from '../../src/cli/iam-policy.ts';
import { commands } from '../../src/registry/commands.ts';
import { exampleConfig } from '../helpers/harness.ts';

/**
 * A deploy registers a new task definition revision copied from the current one, with only the
 * image changed. RegisterTaskDefinition does not inherit anything from earlier revisions, so every
 * request field DescribeTaskDefinition returns must be sent back, `enableFaultInjection` included.
 *
 * Tags are not part
 * of the task definition: DescribeTaskDefinition returns them only when asked (`include: ['TAGS']`),
 * beside `taskDefinition`, and RegisterTaskDefinition sets them only from its own `tags`. A revision
 * registered without them loses its cost-allocation and ownership tags. Registering with tags is
 * also authorized as ecs:TagResource on the new revision.
 */

const ecs = mockClient(ECSClient);
afterEach(() => ecs.reset());

const FAMILY_ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/duck-api';
const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/prod/duck-api';

/**
 * One ECS service on revision 7 (with `extra` fields); DescribeTaskDefinition answers as AWS does
 * for `include`. Returns what RegisterTaskDefinition was sent.
 */
function ecsWithTags(tags: Tag[], extra: Record<string, unknown> = {}) {
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
  ecs.on(DescribeTaskDefinitionCommand).callsFake((input: DescribeTaskDefinitionCommandInput) => ({
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
      containerDefinitions: [{ name: 'app', image: 'duck:1', essential: true }],
      registeredAt: new Date(),
      ...extra,
    },
    ...(input.include?.includes('TAGS') ? { tags } : {}),
  }));
  ecs.on(RegisterTaskDefinitionCommand).callsFake((input: RegisterTaskDefinitionCommandInput) => {
    registered.push(input);
    return {
      taskDefinition: {
        ...input,
        tags: undefined,
        taskDefinitionArn: `${FAMILY_ARN}:8`,
        revision: 8,
        status: 'ACTIVE',
      },
      ...(input.tags ? { tags: input.tags } : {}),
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
  return registered;
}

const deploy = () =>
  imagesAdapter({
    ecs: regionalClients((c) => new ECSClient(c), 'us-east-1'),
    ecr: regionalClients((c) => new ECRClient(c), 'us-east-1'),
    apprunner: regionalClients((c) => new AppRunnerClient(c), 'us-east-1'),
  }).deployImage({ type: 'ecs', cluster: 'prod', service: 'duck-api' }, 'duck:2');

describe('deployImage copies the task definition whole', () => {
  it('keeps enableFaultInjection on the new revision', async () => {
    const registered = ecsWithTags([], { enableFaultInjection: true });
    await deploy();
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

describe('a deploy keeps the task definition’s tags', () => {
  it('asks for the tags and registers the new revision with them', async () => {
    const tags = [
      { key: 'cost-center', value: 'ducks' },
      { key: 'owner', value: 'platform' },
    ];
    const registered = ecsWithTags(tags);
    await deploy();
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)[0]!.args[0].input).toEqual({
      taskDefinition: `${FAMILY_ARN}:7`,
      include: ['TAGS'],
    });
    expect(registered).toHaveLength(1);
    expect(registered[0]!.tags).toEqual(tags);
    expect(registered[0]!.containerDefinitions).toEqual([
      { name: 'app', image: 'duck:2', essential: true },
    ]);
  });

  it('sends no tags when the revision has none (no tagging to authorize)', async () => {
    const registered = ecsWithTags([]);
    await deploy();
    expect(registered).toHaveLength(1);
    expect(registered[0]).not.toHaveProperty('tags');
  });
});

describe('deploy’s policy allows tagging the revision it registers', () => {
  const targets = () => {
    const t = structuredClone(exampleConfig().targets) as ReturnType<
      typeof exampleConfig
    >['targets'] & { deploys: Record<string, unknown> };
    t.deploys['autostack-backend'] = {
      repository: '123456789012.dkr.ecr.us-east-1.amazonaws.com/autostack-backend',
    };
    return t;
  };

  it('grants ecs:TagResource on task definitions in the ECS service’s region', () => {
    const statements = deployPermissions(targets(), 'eu-west-1');
    expect(statements).toContainEqual({
      actions: ['ecs:TagResource'],
      resources: ['arn:aws:ecs:us-east-1:*:task-definition/*'],
    });
  });

  it('App Runner deploys register no task definition: no ecs:TagResource', () => {
    const { policy } = buildIamPolicy(commands, exampleConfig().targets, 'us-east-1');
    expect(policy.Statement.flatMap((s) => s.Action)).not.toContain('ecs:TagResource');
  });
});
