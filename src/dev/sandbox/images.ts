import { createHash } from 'node:crypto';
import type { ImageInfo, ImagesPort, RepositoryRef } from '../../sdk/ports/images.ts';
import type { Redeploy, ServiceRef, ServicesPort } from '../../sdk/ports/index.ts';

/**
 * SANDBOX ECR and service images, in memory: every repository has the tags `v41`, `v42` and
 * `latest` (= v42); each service starts on `v41`. Deploying an image starts a rollout in the
 * sandbox services (the same one `restart` follows).
 */
const TAGS = ['v41', 'v42'];
const digestOf = (repo: string, tag: string) =>
  `sha256:${createHash('sha256').update(`${repo}:${tag}`).digest('hex')}`;

const serviceKey = (s: ServiceRef) =>
  s.type === 'ecs' ? `ecs|${s.cluster}|${s.service}` : `apprunner|${s.serviceArn}`;

export class SandboxImages implements ImagesPort {
  private readonly running = new Map<string, string>();

  constructor(
    private readonly services: ServicesPort,
    /** service key → the repository URI it runs from (its first image is `v41` there). */
    private readonly repositoryOf: (service: ServiceRef) => string | undefined,
  ) {}

  async resolve(repo: RepositoryRef, tagOrDigest: string): Promise<ImageInfo | undefined> {
    const name = `${repo.registryId}/${repo.name}`;
    const tag = tagOrDigest.startsWith('sha256:')
      ? TAGS.find((t) => digestOf(name, t) === tagOrDigest)
      : tagOrDigest === 'latest'
        ? 'v42'
        : TAGS.find((t) => t === tagOrDigest);
    if (!tag) return undefined;
    return {
      digest: digestOf(name, tag),
      tags: tag === 'v42' ? ['v42', 'latest'] : [tag],
      pushedAt: new Date(Date.now() - (tag === 'v42' ? 1 : 26) * 3_600_000).toISOString(),
    };
  }

  async currentImage(service: ServiceRef): Promise<string> {
    const known = this.running.get(serviceKey(service));
    if (known) return known;
    const repo = this.repositoryOf(service) ?? 'sandbox.local/unknown';
    return `${repo}:v41`;
  }

  async deployImage(service: ServiceRef, image: string): Promise<Redeploy> {
    this.running.set(serviceKey(service), image);
    return this.services.startRedeploy(service);
  }

  deploySince(service: ServiceRef, since: string) {
    return this.services.redeploySince(service, since);
  }
}
