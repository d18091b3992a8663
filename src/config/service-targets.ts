import { z } from 'zod';

/**
 * Config for the service runbook commands (`restart`, `health`), referenced from
 * `targets` in `file.ts`. Documented in the README's configuration section.
 */

const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1');

const pollingSchema = {
  /** Give up waiting for the rollout after this long (the deployment itself goes on). */
  timeout_seconds: z.number().positive().default(600),
  /** How often to read the rollout state. */
  poll_interval_ms: z.number().int().positive().default(5000),
};

const ecsServiceSchema = z
  .object({
    type: z.literal('ecs'),
    cluster: z.string().min(1),
    service: z.string().min(1),
    region: region.optional(),
    ...pollingSchema,
  })
  .strict();

const appRunnerServiceSchema = z
  .object({
    type: z.literal('apprunner'),
    service_arn: z
      .string()
      .regex(
        /^arn:aws[\w-]*:apprunner:[a-z0-9-]+:\d{12}:service\/[^/]+\/[0-9a-f]+$/,
        'an App Runner service ARN (arn:aws:apprunner:<region>:<account>:service/<name>/<id>)',
      ),
    region: region.optional(),
    ...pollingSchema,
  })
  .strict();

/** `targets.services`: name → an ECS service or an App Runner service (`restart`). */
export const servicesSchema = z
  .record(z.string(), z.discriminatedUnion('type', [ecsServiceSchema, appRunnerServiceSchema]))
  .default({});

/** `targets.endpoints`: name → the URLs `health` checks. */
export const endpointsSchema = z
  .record(
    z.string(),
    z
      .object({
        health_url: z.url({ protocol: /^https?$/ }),
        ready_url: z.url({ protocol: /^https?$/ }).optional(),
        timeout_ms: z.number().int().positive().default(3000),
      })
      .strict(),
  )
  .default({});

export type ServiceTarget = z.infer<typeof servicesSchema>[string];
export type EndpointTarget = z.infer<typeof endpointsSchema>[string];
