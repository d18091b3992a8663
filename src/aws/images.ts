import {
  type AppRunnerClient,
  DescribeServiceCommand,
  ListOperationsCommand,
  UpdateServiceCommand as UpdateAppRunnerService,
} from '@aws-sdk/client-apprunner';
import { DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { UserError } from '../sdk/errors.ts';
import type { ImagesPort, RepositoryRef } from '../sdk/ports/images.ts';
import type { Redeploy, ServiceRef } from '../sdk/ports/index.ts';
import { arnRegion, type RegionalClients } from './clients.ts';
import { awsCall, explainAwsError } from './errors.ts';
import { ecsServiceArn } from './services.ts';

type Ecs = Extract<ServiceRef, { type: 'ecs' }>;
type AppRunner = Extract<ServiceRef, { type: 'apprunner' }>;

export const repositoryArn = (r: RepositoryRef) =>
  `arn:aws:ecr:${r.region}:${r.registryId}:repository/${r.name}`;

const iso = (d: Date | undefined) => (d ?? new Date()).toISOString();

/**
 * Fields of a task definition that RegisterTaskDefinition takes back unchanged: a new revision
 * inherits nothing, so a field left out here is silently lost on deploy.
 */
const TASK_DEFINITION_FIELDS = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
] as const;

export function imagesAdapter(clients: {
  ecr: RegionalClients<ECRClient>;
  ecs: RegionalClients<ECSClient>;
  apprunner: RegionalClients<AppRunnerClient>;
}): ImagesPort {
  const ecsWhere = (s: Ecs) =>
    ecsServiceArn(s.region ?? clients.ecs.defaultRegion, s.cluster, s.service);

  async function ecsService(s: Ecs) {
    const out = await awsCall({ action: 'ecs:DescribeServices', resource: ecsWhere(s) }, () =>
      clients
        .ecs(s.region)
        .send(new DescribeServicesCommand({ cluster: s.cluster, services: [s.service] })),
    );
    const found = out.services?.[0];
    if (!found?.taskDefinition || out.failures?.length)
      throw new UserError(
        'aws_not_found',
        `no such ECS service ${s.service} in cluster ${s.cluster}`,
      );
    return found;
  }

  /** The task definition, and with `withTags` its tags (AWS returns them only when asked). */
  async function taskDefinition(s: Ecs, arn: string, withTags = false) {
    const out = await awsCall({ action: 'ecs:DescribeTaskDefinition', resource: arn }, () =>
      clients.ecs(s.region).send(
        new DescribeTaskDefinitionCommand({
          taskDefinition: arn,
          ...(withTags ? { include: ['TAGS' as const] } : {}),
        }),
      ),
    );
    if (!out.taskDefinition) throw new UserError('aws_not_found', `no task definition ${arn}`);
    return { definition: out.taskDefinition, tags: out.tags ?? [] };
  }

  /** The one container whose image a deploy replaces: named, or the only one. */
  function pickContainer<T extends { name?: string }>(
    list: T[],
    container: string | undefined,
    where: string,
  ) {
    const found = container
      ? list.find((c) => c.name === container)
      : list.length === 1
        ? list[0]
        : undefined;
    if (!found)
      throw new UserError(
        'no_container',
        container
          ? `${where} has no container named ${container} (it has ${list.map((c) => c.name).join(', ')})`
          : `${where} has ${list.length} containers (${list.map((c) => c.name).join(', ')}): set container: in targets.deploys`,
      );
    return found;
  }

  /** App Runner answers for a service only in the region its ARN names. */
  const appRunner = (s: AppRunner) => clients.apprunner(arnRegion(s.serviceArn) ?? s.region);

  async function appRunnerService(s: AppRunner) {
    const out = await awsCall({ action: 'apprunner:DescribeService', resource: s.serviceArn }, () =>
      appRunner(s).send(new DescribeServiceCommand({ ServiceArn: s.serviceArn })),
    );
    const repo = out.Service?.SourceConfiguration?.ImageRepository;
    if (!out.Service || !repo?.ImageIdentifier)
      throw new UserError(
        'not_image_service',
        `${s.serviceArn} is not deployed from an image repository`,
      );
    return { service: out.Service, repo };
  }

  return {
    async resolve(repo, tagOrDigest) {
      const imageId = tagOrDigest.startsWith('sha256:')
        ? { imageDigest: tagOrDigest }
        : { imageTag: tagOrDigest };
      try {
        const out = await clients.ecr(repo.region).send(
          new DescribeImagesCommand({
            registryId: repo.registryId,
            repositoryName: repo.name,
            imageIds: [imageId],
          }),
        );
        const image = out.imageDetails?.[0];
        if (!image?.imageDigest) return undefined;
        return {
          digest: image.imageDigest,
          tags: image.imageTags ?? [],
          ...(image.imagePushedAt ? { pushedAt: iso(image.imagePushedAt) } : {}),
        };
      } catch (error) {
        if ((error as Error).name === 'ImageNotFoundException') return undefined;
        throw explainAwsError(error, {
          action: 'ecr:DescribeImages',
          resource: repositoryArn(repo),
        });
      }
    },

    async currentImage(s, container) {
      if (s.type === 'apprunner') return (await appRunnerService(s)).repo.ImageIdentifier!;
      const svc = await ecsService(s);
      const { definition: td } = await taskDefinition(s, svc.taskDefinition!);
      return (
        pickContainer(td.containerDefinitions ?? [], container, svc.taskDefinition!).image ?? ''
      );
    },

    async deployImage(s, image, container) {
      if (s.type === 'apprunner') {
        const { service, repo } = await appRunnerService(s);
        const out = await awsCall(
          { action: 'apprunner:UpdateService', resource: s.serviceArn },
          () =>
            appRunner(s).send(
              new UpdateAppRunnerService({
                ServiceArn: s.serviceArn,
                SourceConfiguration: {
                  ...service.SourceConfiguration,
                  ImageRepository: { ...repo, ImageIdentifier: image },
                },
              }),
            ),
        );
        return { id: out.OperationId ?? '', startedAt: new Date().toISOString() };
      }
      const svc = await ecsService(s);
      const { definition: current, tags } = await taskDefinition(s, svc.taskDefinition!, true);
      const input = Object.fromEntries(
        TASK_DEFINITION_FIELDS.filter((k) => current[k] !== undefined).map((k) => [k, current[k]]),
      ) as unknown as RegisterTaskDefinitionCommandInput;
      // Tags are not inherited either. Sent only when there are some: tags on a register are
      // authorized as ecs:TagResource, which an untagged family should not need.
      if (tags.length > 0) input.tags = tags;
      const replaced = pickContainer(
        current.containerDefinitions ?? [],
        container,
        svc.taskDefinition!,
      ).name;
      input.containerDefinitions = (current.containerDefinitions ?? []).map((c) =>
        c.name === replaced ? { ...c, image } : c,
      );
      const family = `arn:aws:ecs:${s.region ?? clients.ecs.defaultRegion}:*:task-definition/${current.family}:*`;
      const registered = await awsCall(
        { action: 'ecs:RegisterTaskDefinition', resource: family },
        () => clients.ecs(s.region).send(new RegisterTaskDefinitionCommand(input)),
      );
      const arn = registered.taskDefinition?.taskDefinitionArn;
      if (!arn)
        throw new UserError('no_task_definition', 'ECS registered no task definition revision');
      const out = await awsCall({ action: 'ecs:UpdateService', resource: ecsWhere(s) }, () =>
        clients.ecs(s.region).send(
          new UpdateServiceCommand({
            cluster: s.cluster,
            service: s.service,
            taskDefinition: arn,
          }),
        ),
      );
      const primary = out.service?.deployments?.find((d) => d.status === 'PRIMARY');
      if (!primary?.id)
        throw new UserError(
          'no_deployment',
          `ECS accepted the update of ${s.service} but listed no new deployment`,
        );
      return { id: primary.id, startedAt: iso(primary.createdAt), taskDefinition: arn };
    },

    async deploySince(s, since): Promise<Redeploy | undefined> {
      if (s.type === 'ecs') {
        const newest = ((await ecsService(s)).deployments ?? [])
          .filter((d) => d.id && d.createdAt && d.createdAt.getTime() >= Date.parse(since))
          .sort((a, b) => b.createdAt!.getTime() - a.createdAt!.getTime())[0];
        return newest ? { id: newest.id!, startedAt: iso(newest.createdAt) } : undefined;
      }
      const out = await awsCall(
        { action: 'apprunner:ListOperations', resource: s.serviceArn },
        () =>
          appRunner(s).send(
            new ListOperationsCommand({ ServiceArn: s.serviceArn, MaxResults: 20 }),
          ),
      );
      const op = (out.OperationSummaryList ?? []).find(
        (o) =>
          o.Type === 'UPDATE_SERVICE' &&
          o.Id &&
          o.StartedAt &&
          o.StartedAt.getTime() >= Date.parse(since),
      );
      return op ? { id: op.Id!, startedAt: iso(op.StartedAt) } : undefined;
    },
  };
}
