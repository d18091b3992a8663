import type { FileConfig } from '../config/file.ts';
import type { Logger } from '../log.ts';
import { auditBacklogGauge } from '../metrics/metrics.ts';
import { anchorPoster } from '../notify/audit-anchor.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import type { LedgerPort, Ports } from '../sdk/ports/index.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { AnchorPoster, type AnchorReader } from './anchors.ts';
import { type AuditLookups, enricher } from './enrich.ts';
import { ledgerPort } from './ledger-port.ts';
import { RedisAuditSink } from './redis-sink.ts';
import { type AuditSink, logAuditSink } from './sink.ts';
import { LedgerWriter, type WriterOptions } from './writer.ts';

export interface AuditDeps {
  file: FileConfig;
  /** AWS_ENDPOINT_URL, used when `audit.endpoint` is not set. */
  endpoint?: string;
  region: string;
  redis: Redis;
  keys: Keys;
  log: Logger;
  /** Worker-role processes run the ledger writer. */
  writer: boolean;
  lookups?: AuditLookups;
  writerOptions?: WriterOptions;
  /** The bot's Slack writer: anchors are posted through it (`audit.anchor_channel`). */
  slack?: Pick<SlackWriter, 'post'>;
  /** Reads the anchors back from a channel, for `/ops audit verify`. */
  anchorReader?: (channel: string) => AnchorReader;
}

export interface Audit {
  sink: AuditSink;
  ledger?: LedgerPort;
  /** The ports with the ledger added (commands read it as `aws.ledger`). */
  withLedger(aws: Ports): Ports;
  /** On drain: appends every entry waiting in Redis to the ledger (processes with a writer). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The audit trail of one process. With `audit.table` configured: a Redis-backed sink, the ledger
 * writer (worker roles) and the ledger's read port. Without it: entries go to the log only.
 */
export async function startAudit(deps: AuditDeps): Promise<Audit> {
  const config = deps.file.audit;
  if (!config) {
    const none = async () => {};
    return { sink: logAuditSink(deps.log), withLedger: (aws) => aws, flush: none, stop: none };
  }
  // DynamoDB's SDK packages load only when a ledger is configured (several MB of heap otherwise).
  const { dynamoClient, LedgerTable } = await import('../aws/ledger-table.ts');
  const table = new LedgerTable(
    dynamoClient({
      table: config.table,
      region: config.region ?? deps.region,
      endpoint: config.endpoint ?? deps.endpoint,
    }),
    config.table,
  );
  const sink = new RedisAuditSink(deps.redis, deps.keys, deps.log);
  const channel = config.anchor_channel;
  const slack = deps.slack;
  const anchors =
    channel && slack && deps.writer
      ? new AnchorPoster(
          deps.redis,
          deps.keys,
          anchorPoster(slack),
          {
            channel,
            every: config.anchor_every,
            intervalMinutes: config.anchor_interval_minutes,
          },
          deps.log,
        )
      : undefined;
  const writer = deps.writer
    ? new LedgerWriter(deps.redis, deps.keys, table, deps.log, {
        ...deps.writerOptions,
        enrich: deps.lookups ? enricher(deps.redis, deps.keys, deps.lookups) : undefined,
        anchors,
      })
    : undefined;
  writer?.start();
  auditBacklogGauge(async () => (await deps.redis.llen(deps.keys.auditPending())) + sink.waiting);
  const ledger = ledgerPort(table, channel ? deps.anchorReader?.(channel) : undefined);
  return {
    sink,
    ledger,
    withLedger: (aws) => ({ ...aws, ledger }),
    async flush() {
      await sink.flush();
      await writer?.stop();
      await writer?.drain();
    },
    async stop() {
      await sink.flush();
      await writer?.stop();
      table.client.destroy();
    },
  };
}
