import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.ts';
import { redact } from '../redact/index.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import type { QueuedEntry } from './entry.ts';
import { redactRecord } from './redact.ts';
import type { AuditInput, AuditSink } from './sink.ts';

/** Redacts, times and identifies an input entry. Nothing secret leaves this function. */
export function queuedEntry(input: AuditInput, now = new Date()): QueuedEntry {
  const text = (value: string | undefined) => (value === undefined ? undefined : redact(value));
  return {
    id: randomUUID(),
    ts: now.toISOString(),
    actor: input.actor,
    actor_name: input.actor_name,
    action: input.action,
    command: input.command,
    args: redactRecord(input.args),
    data: redactRecord(input.data),
    request_id: input.request_id,
    run_id: input.run_id,
    permalink: input.permalink,
    result: text(input.result),
  };
}

export interface RedisSinkOptions {
  /** First wait before pushing again after Redis refused an entry. */
  retryMs?: number;
}

/**
 * The audit sink in front of the ledger: `append` redacts the entry and pushes it onto a Redis
 * list at once, without waiting. If Redis refuses, entries are held in memory, in order, and
 * pushed again until Redis takes them (a later entry never overtakes an earlier one).
 */
export class RedisAuditSink implements AuditSink {
  private readonly held: string[] = [];
  private pushing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private delayMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly log: Logger,
    private readonly options: RedisSinkOptions = {},
  ) {
    this.delayMs = options.retryMs ?? 200;
  }

  append(input: AuditInput): void {
    const entry = queuedEntry(input);
    this.held.push(JSON.stringify(entry));
    void this.push();
  }

  /** Entries not yet in Redis. */
  get waiting(): number {
    return this.held.length;
  }

  /** Pushes what is held now (used on stop); gives up quietly if Redis stays away. */
  async flush(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.push();
    if (this.held.length > 0) {
      for (const raw of this.held)
        this.log.error({ audit: JSON.parse(raw) }, 'audit entry not stored: Redis unreachable');
    }
  }

  private async push(): Promise<void> {
    if (this.pushing || this.retryTimer) return;
    this.pushing = true;
    try {
      while (this.held.length > 0) {
        const batch = this.held.slice(0, 100);
        await this.redis.rpush(this.keys.auditPending(), ...batch);
        this.held.splice(0, batch.length);
        this.delayMs = this.options.retryMs ?? 200;
      }
    } catch (error) {
      this.log.warn(
        { err: (error as Error).message, waiting: this.held.length },
        'audit entries wait in memory: Redis refused them',
      );
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        void this.push();
      }, this.delayMs);
      this.retryTimer.unref();
      this.delayMs = Math.min(this.delayMs * 2, 5000);
    } finally {
      this.pushing = false;
    }
  }
}
