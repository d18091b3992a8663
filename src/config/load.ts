import type { z } from 'zod';
import { type Env, envSchema } from './env.ts';
import type { FileConfig } from './file.ts';

export interface Config {
  env: Env;
  file: FileConfig;
}

/** Raised when configuration is missing or invalid. The message names every bad field, never a value. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `opsbot cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function describeIssues(where: string, issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${where}${path ? ` ${path}` : ''}: ${issue.message}`;
  });
}

/** A key prefix whose first `{…}` is non-empty: Redis Cluster hashes only that part of each key. */
const HASH_TAG = /^[^{]*\{[^}]+\}/;

export function checkEnv(source: NodeJS.ProcessEnv): { env?: Env; problems: string[] } {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) return { problems: describeIssues('env', parsed.error.issues) };
  const env = parsed.data;
  const problems: string[] = [];
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push(
      'env SLACK_SIGNING_SECRET: required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if (env.REDIS_CLUSTER_NODES && !HASH_TAG.test(env.OPSBOT_PREFIX)) {
    problems.push(
      'env OPSBOT_PREFIX: on Redis Cluster use a hash tag such as {opsbot}, so the keys BullMQ and opsbot use together share one slot',
    );
  }
  return { env, problems };
}
