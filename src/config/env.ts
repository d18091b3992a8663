import { z } from 'zod';

/** Environment variables read at start-up. Secrets are named here so errors never echo them. */
export const SECRET_ENV_NAMES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'OPSBOT_WEBHOOK_SECRET',
  'OPSBOT_ALERTMANAGER_TOKEN',
  'OPSBOT_STATUS_WEBHOOK_SECRET',
  'REDIS_CLUSTER_NODES',
];

const CLUSTER_NODE = /^(?:rediss?:\/\/(?:[^@/]*@)?)?(?:\[[^\]]+\]|[^:/@\s]+):\d+\/?$/;

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

export const envSchema = z.object({
  SLACK_BOT_TOKEN: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^xox[bp]-/, 'a bot token starting with xoxb-'),
  ),
  SLACK_SIGNING_SECRET: z.preprocess(emptyToUndefined, z.string().min(8).optional()),
  SLACK_APP_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^xapp-/, 'an app-level token starting with xapp-')
      .optional(),
  ),
  SLACK_API_URL: z.preprocess(emptyToUndefined, z.url().default('https://slack.com/api/')),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  REDIS_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
      .default('redis://127.0.0.1:6379'),
  ),
  /**
   * Redis Cluster (ElastiCache cluster mode, MemoryDB): seed nodes, `host:port,host:port` or
   * `redis[s]://[user:password@]host:port` entries (TLS and AUTH on any apply to all). When set,
   * every connection is a Cluster client and REDIS_URL is not used.
   */
  REDIS_CLUSTER_NODES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(
        (text) => text.split(',').every((node) => CLUSTER_NODE.test(node.trim())),
        'comma-separated host:port or redis[s]://[user:password@]host:port entries',
      )
      .optional(),
  ),
  /** Prefix for every Redis key (BullMQ's prefix too). Use a hash tag such as `{opsbot}` on Redis Cluster. */
  OPSBOT_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[^:\s]+$/)
      .default('opsbot'),
  ),
  OPSBOT_CONFIG: z.preprocess(emptyToUndefined, z.string().default('opsbot.example.yml')),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  AWS_REGION: z.preprocess(emptyToUndefined, z.string().default('us-east-1')),
  AWS_ENDPOINT_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  /** Seconds a worker holds a run's job lock between renewals; a dead worker's run is retried after it lapses. */
  OPSBOT_JOB_LOCK_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().min(1).default(30)),
  /** Seconds a draining process waits for active runs on SIGTERM. */
  OPSBOT_GRACE_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().min(0).default(30)),
  /** HMAC secret of `POST /alerts/webhook`; unset disables the endpoint. */
  OPSBOT_WEBHOOK_SECRET: z.preprocess(emptyToUndefined, z.string().min(16).optional()),
  /** Bearer token of `POST /alerts/alertmanager`; unset disables the endpoint. */
  OPSBOT_ALERTMANAGER_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16).optional()),
  /** HMAC secret that signs maintenance `status_webhook` POSTs; needed when one is configured. */
  OPSBOT_STATUS_WEBHOOK_SECRET: z.preprocess(emptyToUndefined, z.string().min(16).optional()),
});

export type Env = z.infer<typeof envSchema>;
