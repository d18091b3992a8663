import type { Queue } from 'bullmq';
import type { AuditSink } from '../audit/sink.ts';
import type { FileConfig } from '../config/file.ts';
import { startGuided } from '../guided/start.ts';
import type { Registry } from '../intake/validate.ts';
import type { Logger } from '../log.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import { groupList } from '../requests/groups.ts';
import { resolvePolicy } from '../requests/policy.ts';
import type { RunJob } from '../requests/request.ts';
import type { RequestFlow } from '../requests/service.ts';
import type { Ports } from '../sdk/ports/index.ts';
import { slackGuidedCard } from '../slack/guided-card.ts';
import type { Keys } from '../store/keys.ts';
import { connectRedis, type Redis, type RedisEndpoint } from '../store/redis.ts';
import type { StartOptions } from './options.ts';

/** The shared services guided runbooks use (built before them in `services.ts`). */
export interface GuidedDeps {
  /** Where Redis is: one server or a cluster, as every other connection. */
  endpoint: RedisEndpoint;
  file: FileConfig;
  registry: Registry;
  log: Logger;
  redis: Redis;
  prefix: string;
  keys: Keys;
  audit: AuditSink;
  writer: SlackWriter;
  queue: Queue<RunJob>;
  ports: Ports;
}

/**
 * Guided runbooks: every file is read and checked here, so a bad one stops the start. Roles with a
 * worker also consume the guided queue on a connection of their own.
 */
export function startGuidedRunbooks(
  options: StartOptions,
  s: GuidedDeps,
  requestFlow: () => RequestFlow,
) {
  const { file, registry, log } = s;
  const guidedRedis = options.role !== 'web' ? connectRedis(s.endpoint, 'worker') : undefined;
  guidedRedis?.on('error', (error) => log.warn({ err: error.message }, 'redis (guided) error'));
  const guided = startGuided({
    redis: s.redis,
    prefix: s.prefix,
    keys: s.keys,
    file,
    registry,
    audit: s.audit,
    log,
    card: slackGuidedCard(s.writer),
    // Who may click on runbook cards: the `runbook` command's requesters (anyone when unset).
    mayAct: async (user) => {
      const runbookCommand = registry.find('runbook');
      if (!runbookCommand) return undefined;
      const policy = resolvePolicy(runbookCommand, 'default', file.policies);
      if (policy.requesters.length === 0) return undefined;
      if (await requestFlow().groups.isMember(user, policy.requesters, { fresh: true }))
        return undefined;
      return `:no_entry: Only members of ${groupList(policy.requesters)} may act on runbook cards. Nothing changed.`;
    },
    worker: guidedRedis
      ? {
          connection: guidedRedis,
          runs: s.queue,
          createRequest: (submission, delivery) =>
            requestFlow().createRequest(submission, delivery),
          ports: s.ports,
        }
      : undefined,
  });
  return { guided, guidedRedis };
}
