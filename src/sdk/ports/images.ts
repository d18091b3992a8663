import type { Redeploy, ServiceRef } from './services.ts';

/** Container images: ECR repositories, and the image an App Runner or ECS service runs. */

/** An ECR repository, from its URI `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
export interface RepositoryRef {
  registryId: string;
  region: string;
  name: string;
}

export interface ImageInfo {
  /** `sha256:…` */
  digest: string;
  tags: string[];
  pushedAt?: string;
}

export interface ImagesPort {
  /** DescribeImages for one tag or digest; undefined when the repository has no such image. */
  resolve(repo: RepositoryRef, tagOrDigest: string): Promise<ImageInfo | undefined>;
  /** The image a service runs now (App Runner image identifier; the ECS container's image). */
  currentImage(service: ServiceRef, container?: string): Promise<string>;
  /**
   * Points the service at `image` and starts the rollout: App Runner UpdateService; ECS a new task
   * definition revision with the container's image replaced, then UpdateService.
   */
  deployImage(
    service: ServiceRef,
    image: string,
    container?: string,
  ): Promise<Redeploy & { taskDefinition?: string }>;
  /** The newest image deployment that started at or after `since` (a retried run adopts it). */
  deploySince(service: ServiceRef, since: string): Promise<Redeploy | undefined>;
}
