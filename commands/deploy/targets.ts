import type { FileConfig, IamStatement, ImagesPort, RepositoryRef } from '../../src/sdk/index.ts';
import { DEFAULT_APPROVER_GROUP, PermanentError, UserError, z } from '../../src/sdk/index.ts';
import { serviceTarget } from '../restart/steps.ts';

/**
 * `targets.deploys.<service>`: how a service in `targets.services` gets a new image. The name is
 * the service's name.
 */
const REPOSITORY_URI =
  /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*)$/;

export const deploySchema = z
  .object({
    /**
     * The ECR repository URI (`324480209768.dkr.ecr.eu-west-1.amazonaws.com/drop-web`; in China
     * the domain is `amazonaws.com.cn`).
     */
    repository: z
      .string()
      .regex(
        REPOSITORY_URI,
        'an ECR repository URI (<account>.dkr.ecr.<region>.amazonaws.com/<name>)',
      ),
    /** ECS: the container whose image is replaced (needed when the task has several). */
    container: z.string().min(1).optional(),
    /** Roles the new ECS task definition (or App Runner access role) passes: iam:PassRole. */
    pass_roles: z.array(z.string().startsWith('arn:aws')).default([]),
    environment: z.string().min(1).default('prod'),
    /** `--safe`: the database (`targets.databases`) snapshotted first. */
    database: z.string().min(1).optional(),
    /** `--safe`: the endpoint (`targets.endpoints`) that must be healthy after the rollout. */
    health: z.string().min(1).optional(),
    /** `--safe`: how long to wait for health to pass after the rollout, and how often to look. */
    health_timeout_seconds: z.number().positive().default(120),
    health_poll_ms: z.number().int().positive().default(5000),
    /**
     * `--safe`: how long the maintenance window it opens may stay open (when the service has
     * `targets.maintenance` config). It normally ends after health passes; this is its planned end.
     */
    maintenance_minutes: z.number().positive().max(1440).default(30),
  })
  .strict();

export const deploysSchema = z.record(z.string(), deploySchema).default({});

export function deploys(targets: FileConfig['targets']) {
  const parsed = deploysSchema.safeParse((targets as Record<string, unknown>).deploys ?? {});
  if (!parsed.success)
    throw new UserError('bad_config', `targets.deploys: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export function repositoryOf(uri: string): RepositoryRef {
  const [, registryId, region, name] = REPOSITORY_URI.exec(uri)!;
  return { registryId: registryId!, region: region!, name: name! };
}

export function deployTarget(targets: FileConfig['targets'], name: string) {
  const d = deploys(targets)[name];
  if (!d)
    throw new UserError('unknown_target', `no deploy config for ${name} (targets.deploys.${name})`);
  return { ...d, repo: repositoryOf(d.repository), service: serviceTarget(targets, name) };
}

export function deployProblems(targets: FileConfig['targets'], name: string) {
  const all = deploys(targets);
  if (all[name] && targets.services[name]) return [];
  const known =
    Object.keys(all)
      .filter((n) => targets.services[n])
      .join(', ') || 'none configured';
  return [{ field: 'service', message: `no deployable service named ${name} (known: ${known})` }];
}

/** `…/drop-web@sha256:4f1c…` → `sha256:4f1c2d3e4f5a`; `…/drop-web:9f3c2ab` → `9f3c2ab`. */
export function shortImage(image: string) {
  const at = image.indexOf('@sha256:');
  if (at >= 0) return image.slice(at + 1, at + 1 + 'sha256:'.length + 12);
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(colon + 1) : image;
}

export function imagesOf(ports: { images?: ImagesPort }): ImagesPort {
  if (!ports.images) throw new PermanentError('no_images_port', 'this process has no images port');
  return ports.images;
}

export const DEPLOY_POLICY = {
  default: { approvals: 0 as const },
  environments: { prod: { approvals: 1 as const, approverGroups: [DEFAULT_APPROVER_GROUP] } },
};

export const deployEnvironment = (a: { service: string }, targets: FileConfig['targets']) =>
  deploys(targets)[a.service]?.environment ?? 'prod';

/** What deploying (and rolling back) these services needs. */
export function deployPermissions(targets: FileConfig['targets'], region: string): IamStatement[] {
  return Object.entries(deploys(targets)).flatMap(([name, d]) => {
    const t = targets.services[name];
    if (!t) return [];
    const repo = repositoryOf(d.repository);
    const statements: IamStatement[] = [
      {
        actions: ['ecr:DescribeImages'],
        resources: [`arn:aws:ecr:${repo.region}:${repo.registryId}:repository/${repo.name}`],
      },
    ];
    if (t.type === 'apprunner')
      statements.push({
        actions: [
          'apprunner:DescribeService',
          'apprunner:UpdateService',
          'apprunner:ListOperations',
        ],
        resources: [t.service_arn],
      });
    else {
      const r = t.region ?? region;
      statements.push(
        {
          actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
          resources: [`arn:aws:ecs:${r}:*:service/${t.cluster}/${t.service}`],
        },
        {
          actions: ['ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition'],
          resources: ['*'],
          note: 'DescribeTaskDefinition and RegisterTaskDefinition have no resource-level permission',
        },
        // The new revision gets the current one's tags: a register with tags is also authorized
        // as ecs:TagResource on the revision (its family is only known at run time).
        { actions: ['ecs:TagResource'], resources: [`arn:aws:ecs:${r}:*:task-definition/*`] },
      );
    }
    if (d.pass_roles.length > 0)
      statements.push({ actions: ['iam:PassRole'], resources: d.pass_roles });
    return statements;
  });
}
