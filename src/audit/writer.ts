import { randomUUID } from 'node:crypto';
import type { LedgerTable } from '../aws/ledger-table.ts';
import type { Logger } from '../log.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import type { AnchorPoster } from './anchors.ts';
import { type AppendFloors, appendExactlyOnce } from './append.ts';
import type { ChainHead, QueuedEntry } from './entry.ts';

/** Keeps the lowest seq tried for an entry. KEYS: floors hash. ARGV: entry id, seq. Returns the floor. */
const REGISTER_FLOOR = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local seq = tonumber(ARGV[2])
if current and tonumber(current) <= seq then return tonumber(current) end
redis.call('HSET', KEYS[1], ARGV[1], seq)
return seq`;

/** Removes the list's first entry if it is still this one. KEYS: list, floors. ARGV: raw entry, id. */
const REMOVE_HEAD = `
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then
  redis.call('LPOP', KEYS[1])
  redis.call('HDEL', KEYS[2], ARGV[2])
  return 1
end
return 0`;

/** Takes or renews the writer lease. KEYS: lease. ARGV: token, ms. Returns 1 when held. */
const HOLD_LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

export interface WriterOptions {
  /** Wait between looks at an empty list. */
  pollMs?: number;
  /** Lease time; another process takes over this long after this one stops renewing. */
  leaseMs?: number;
  /** First and longest wait before trying DynamoDB again. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Fills in what the writer can look up (display names, run permalinks). Best effort. */
  enrich?: (entry: QueuedEntry) => Promise<QueuedEntry>;
  /** Posts the head to the audit anchor channel when due (`audit.anchor_channel`). */
  anchors?: AnchorPoster;
}

/**
 * Drains the Redis list into the ledger, in order, one entry at a time: an entry leaves Redis only
 * after it is in DynamoDB. Runs in worker-role processes; a lease lets one process per prefix
 * drain at a time (for efficiency: appends stay exactly-once without it). While DynamoDB is down
 * the entries wait in Redis and the writer retries with backoff.
 */
export class LedgerWriter {
  private readonly token = randomUUID();
  private running = false;
  private loop: Promise<void> | undefined;
  private head: ChainHead | undefined;
  private wake: (() => void) | undefined;
  private failing = false;
  readonly floors: AppendFloors;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly table: LedgerTable,
    private readonly log: Logger,
    private readonly options: WriterOptions = {},
  ) {
    this.floors = {
      register: async (entryId, seq) =>
        Number(await redis.eval(REGISTER_FLOOR, 1, keys.auditFloors(), entryId, seq)),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.redis
      .eval(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
        1,
        this.keys.auditWriter(),
        this.token,
      )
      .catch(() => {});
  }

  /** Drains until the list is empty (tests, benches). Returns how many entries were appended. */
  async drain(): Promise<number> {
    let appended = 0;
    while ((await this.step()) === 'appended') appended += 1;
    return appended;
  }

  private async run(): Promise<void> {
    let delay = this.options.retryMs ?? 200;
    while (this.running) {
      let outcome: 'appended' | 'idle' | 'failed';
      try {
        const held = await this.holdLease();
        outcome = held ? await this.step() : 'idle';
        // Idle with the lease: an anchor may still be due by time (entries added, none since).
        if (held && outcome === 'idle' && this.head)
          await this.options.anchors?.afterAppend(this.head);
      } catch (error) {
        outcome = 'failed';
        this.head = undefined;
        if (!this.failing) {
          this.failing = true;
          this.log.warn(
            { err: (error as Error).message },
            'audit ledger unavailable; entries wait in Redis',
          );
        }
      }
      if (outcome === 'appended') {
        if (this.failing) this.log.info('audit ledger reachable again; flushing');
        this.failing = false;
        delay = this.options.retryMs ?? 200;
      } else if (outcome === 'failed') {
        await this.sleep(delay);
        delay = Math.min(delay * 2, this.options.maxRetryMs ?? 2000);
      } else {
        await this.sleep(this.options.pollMs ?? 200);
      }
    }
  }

  private async holdLease(): Promise<boolean> {
    const held = await this.redis.eval(
      HOLD_LEASE,
      1,
      this.keys.auditWriter(),
      this.token,
      this.options.leaseMs ?? 15_000,
    );
    return Number(held) === 1;
  }

  /** Appends the oldest waiting entry, if any. Throws when DynamoDB or Redis fails. */
  private async step(): Promise<'appended' | 'idle'> {
    const raw = await this.redis.lindex(this.keys.auditPending(), 0);
    if (raw === null) return 'idle';
    let queued: QueuedEntry;
    try {
      queued = JSON.parse(raw) as QueuedEntry;
    } catch {
      // Never expected (the sink writes JSON); keep it for a person rather than block the ledger.
      await this.redis
        .multi()
        .rpush(`${this.keys.auditPending()}:unreadable`, raw)
        .lrem(this.keys.auditPending(), 1, raw)
        .exec();
      this.log.error('an unreadable audit entry was moved aside');
      return 'appended';
    }
    const enriched = this.options.enrich ? await this.options.enrich(queued) : queued;
    const { head } = await appendExactlyOnce(this.table, this.floors, enriched, this.head);
    this.head = head;
    await this.redis.eval(
      REMOVE_HEAD,
      2,
      this.keys.auditPending(),
      this.keys.auditFloors(),
      raw,
      queued.id,
    );
    await this.options.anchors?.afterAppend(head);
    return 'appended';
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
