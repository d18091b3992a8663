import {
  DescribeServiceCommand,
  type OperationSummary,
  UpdateServiceCommand as UpdateAppRunnerService,
} from '@aws-sdk/client-apprunner';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  type ContainerDefinition,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import type { mockAppRunner, mockEcs } from './services-mock.ts';

export const digestOf = (n: number) => `sha256:${String(n).padStart(4, '0').repeat(16)}`;

/**
 * One ECR repository (DescribeImages as documented: `imageDetails`, `ImageNotFoundException` for a
 * missing tag or digest). `images` maps each tag to a digest.
 */
export function mockEcr(options: { registryId: string; repository: string; region: string }) {
  const mock = mockClient(ECRClient);
  const state = {
    images: new Map<string, string>([
      ['v41', digestOf(41)],
      ['v42', digestOf(42)],
      ['9f3c2ab', digestOf(43)],
    ]),
  };
  mock.on(DescribeImagesCommand).callsFake((input) => {
    const id = input.imageIds?.[0] ?? {};
    const entries = [...state.images.entries()];
    const digest = id.imageDigest ?? state.images.get(id.imageTag ?? '');
    if (!digest || !entries.some(([, d]) => d === digest))
      throw Object.assign(
        new Error(
          `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${options.repository}' in the registry with id '${options.registryId}'`,
        ),
        { name: 'ImageNotFoundException', $fault: 'client', $metadata: { httpStatusCode: 400 } },
      );
    return {
      imageDetails: [
        {
          registryId: options.registryId,
          repositoryName: options.repository,
          imageDigest: digest,
          imageTags: entries.filter(([, d]) => d === digest).map(([t]) => t),
          imageSizeInBytes: 48_000_000,
          imagePushedAt: new Date(Date.now() - 3_600_000),
          imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        },
      ],
    };
  });
  return { mock, state };
}

/** App Runner DescribeService / UpdateService on the service mockAppRunner answers. */
export function withAppRunnerImage(ar: ReturnType<typeof mockAppRunner>, image: string) {
  const state = { image };
  ar.mock.on(DescribeServiceCommand).callsFake((input) => ({
    Service: {
      ServiceArn: input.ServiceArn,
      ServiceName: 'drop',
      Status: 'RUNNING',
      SourceConfiguration: {
        ImageRepository: {
          ImageIdentifier: state.image,
          ImageRepositoryType: 'ECR',
          ImageConfiguration: { Port: '3000' },
        },
        AutoDeploymentsEnabled: false,
        AuthenticationConfiguration: {
          AccessRoleArn: 'arn:aws:iam::123456789012:role/drop-apprunner-ecr',
        },
      },
    },
  }));
  ar.mock.on(UpdateAppRunnerService).callsFake((input) => {
    state.image = input.SourceConfiguration.ImageRepository.ImageIdentifier;
    const id = `${String(ar.state.operations.length).padStart(4, '0')}aa11bb22cc33dd44ee55ff66aa77bb`;
    ar.state.operations.unshift({
      Id: id,
      Type: 'UPDATE_SERVICE',
      Status: 'PENDING',
      TargetArn: input.ServiceArn,
      StartedAt: new Date(),
      UpdatedAt: new Date(),
    } as OperationSummary);
    ar.state.polls = 0;
    return {
      Service: { ServiceArn: input.ServiceArn, Status: 'OPERATION_IN_PROGRESS' },
      OperationId: id,
    };
  });
  return state;
}

/** ECS task definitions: DescribeTaskDefinition and RegisterTaskDefinition (new revisions). */
export function withEcsTaskDefinitions(ecs: ReturnType<typeof mockEcs>, image: string) {
  const family = 'autostack-backend';
  const arn = (rev: number) =>
    `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:${rev}`;
  const containers = (img: string): ContainerDefinition[] => [
    { name: 'app', image: img, essential: true, portMappings: [{ containerPort: 8080 }] },
    {
      name: 'log-router',
      image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
      essential: true,
    },
  ];
  const revisions = new Map([[17, containers(image)]]);
  const state = { revisions, registered: [] as string[] };
  ecs.mock.on(DescribeTaskDefinitionCommand).callsFake((input) => {
    const rev = Number(String(input.taskDefinition).split(':').at(-1));
    return {
      taskDefinition: {
        taskDefinitionArn: arn(rev),
        family,
        revision: rev,
        status: 'ACTIVE',
        containerDefinitions: revisions.get(rev),
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '512',
        memory: '1024',
        executionRoleArn: 'arn:aws:iam::123456789012:role/autostack-task-execution',
        registeredAt: new Date(),
      },
    };
  });
  ecs.mock.on(RegisterTaskDefinitionCommand).callsFake((input) => {
    const rev = Math.max(...revisions.keys()) + 1;
    revisions.set(rev, input.containerDefinitions);
    state.registered.push(arn(rev));
    return {
      taskDefinition: {
        taskDefinitionArn: arn(rev),
        family: input.family,
        revision: rev,
        status: 'ACTIVE',
        containerDefinitions: input.containerDefinitions,
      },
    };
  });
  return state;
}
