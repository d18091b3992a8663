import type { Worker } from 'bullmq';
import type { AuditSink } from '../audit/sink.ts';
import type { Logger } from '../log.ts';
import type { OutputMessage } from '../sdk/command.ts';
import type { Ports } from '../sdk/ports/index.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { redisActiveBlocks } from './active-blocks.ts';
import { createExpiryQueue, scheduleExpiry, startExpiryWorker } from './expiry.ts';
import { redisContainmentLedger } from './ledger.ts';

/**
 * The containment ports the bot keeps itself (Redis): the ledger of actions and their undo, and
 * the active blocks with their BullMQ expiry queue. Every role may build them (they only write Redis).
 */
export function containmentPorts(redis: Redis, keys: Keys, prefix: string) {
  const queue = createExpiryQueue(redis, prefix);
  return {
    ports: {
      containment: redisContainmentLedger(redis, keys),
      blocks: redisActiveBlocks(redis, keys, scheduleExpiry(queue)),
    } satisfies Partial<Ports>,
    close: () => queue.close(),
  };
}

export interface ExpiryWorkerDeps {
  /** A connection for the worker (BullMQ: `maxRetriesPerRequest: null`). */
  connection: Redis;
  prefix: string;
  keys: Keys;
  aws: Ports;
  /** Posts a note in a thread. */
  post(channel: string, threadTs: string, message: OutputMessage): Promise<void>;
  audit: AuditSink;
  log: Logger;
}

/**
 * The worker role's block-expiry consumer. Without the blocklist port (no containment configured
 * in this process) there is nothing to lift and no worker starts.
 */
export function startBlockExpiry(deps: ExpiryWorkerDeps): Worker | undefined {
  const { aws } = deps;
  if (!aws.ipBlocklists || !aws.containment || !aws.blocks) return undefined;
  const worker = startExpiryWorker(deps.connection, deps.prefix, {
    redis: deps.connection,
    keys: deps.keys,
    blocklists: aws.ipBlocklists,
    ledger: aws.containment,
    blocks: aws.blocks,
    post: (thread, message) => deps.post(thread.channel, thread.ts, message),
    record: (event, data) => {
      deps.log.info({ event, ...data }, event);
      deps.audit.append({ action: event, actor: 'system', data });
    },
  });
  worker.on('error', (error) => deps.log.warn({ err: error.message }, 'block expiry worker error'));
  return worker;
}
