import type { Queue as QueueType } from 'bullmq';
import type { OutputMessage } from '../sdk/command.ts';
import type { ActiveBlocksPort, BlockExpiry } from '../sdk/ports/active-blocks.ts';
import type { ContainmentLedgerPort } from '../sdk/ports/containment-ledger.ts';
import type { IpBlocklistsPort } from '../sdk/ports/ip-blocklists.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { Queue, workerClass } from '../util/bullmq.ts';

export const BLOCK_EXPIRY_QUEUE = 'block-expiry';

/** A BullMQ job id may not hold `:`; request ids never do. */
const jobIdOf = (requestId: string) => `expire-${requestId}`;

export function createExpiryQueue(connection: Redis, prefix: string) {
  return new Queue<BlockExpiry>(BLOCK_EXPIRY_QUEUE, { connection, prefix });
}

/**
 * Schedules a block's expiry as a delayed job. The job id is the block request's id, so a retried
 * run schedules once; the job lives in Redis, so it fires after a restart, on whichever worker.
 */
export function scheduleExpiry(queue: QueueType<BlockExpiry>) {
  return async (expiry: BlockExpiry) => {
    await queue.add('expire', expiry, {
      jobId: jobIdOf(expiry.requestId),
      delay: Math.max(0, Date.parse(expiry.at) - Date.now()),
      attempts: 10,
      backoff: { type: 'exponential', delay: 5000 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    });
  };
}

export interface ExpiryDeps {
  redis: Redis;
  keys: Keys;
  blocklists: IpBlocklistsPort;
  ledger: ContainmentLedgerPort;
  blocks: ActiveBlocksPort;
  /** Posts a note in a thread (the block's result card thread). */
  post(thread: { channel: string; ts: string }, message: OutputMessage): Promise<void>;
  /** Records an audit entry. */
  record(event: string, data: Record<string, unknown>): void;
}

export type ExpiryOutcome = 'expired' | 'already_undone' | 'superseded';

/**
 * Lifts one expired block. Safe to run again after a crash at any point: the unblock is a no-op
 * when already done, the active-block entry is cleared only for this request, the undo claim is
 * the same for a retry, and the note is posted once (claimed first).
 */
export async function expireBlock(expiry: BlockExpiry, deps: ExpiryDeps): Promise<ExpiryOutcome> {
  const known = await deps.ledger.get(expiry.requestId);
  if (known?.undone && known.undone.requestId !== 'ttl') return 'already_undone';
  // Another request blocked the same CIDR later and holds it now: that block stays (its own ttl,
  // or none), and this request stays superseded (its Undo says so) rather than expired.
  if (known?.superseded) return 'superseded';
  const active = await deps.blocks.get(expiry.target, expiry.cidr);
  if (active && active.requestId !== expiry.requestId) {
    await claimTtl(expiry, deps);
    return 'superseded';
  }
  // No entry at all means this job already lifted it before a crash (an unblock marks it undone).
  if (active) {
    await deps.blocklists.unblock(expiry.ref, expiry.cidr);
    await deps.blocks.clear({
      target: expiry.target,
      cidr: expiry.cidr,
      requestId: expiry.requestId,
    });
  }
  const claim = await claimTtl(expiry, deps);
  const first = await deps.redis.set(
    deps.keys.blockExpiryNote(expiry.requestId),
    '1',
    'EX',
    30 * 24 * 3600,
    'NX',
  );
  if (first !== 'OK') return 'expired';
  deps.record('block.expired', {
    target: expiry.target,
    cidr: expiry.cidr,
    undoes: expiry.requestId,
  });
  const thread = claim?.action.thread;
  if (thread) {
    await deps.post(thread, {
      text: `Block of ${expiry.cidr} on ${expiry.target} expired; it is unblocked (request ${expiry.requestId}).`,
      blocks: [
        {
          type: 'text',
          text: `:hourglass: The block of \`${expiry.cidr}\` on *${expiry.target}* expired and was lifted.`,
        },
        { type: 'context', text: `ttl of request ${expiry.requestId}` },
      ],
    });
  }
  return 'expired';
}

async function claimTtl(expiry: BlockExpiry, deps: ExpiryDeps) {
  const claim = await deps.ledger.claimUndo({
    original: expiry.requestId,
    command: 'block-ip',
    subject: `${expiry.target}:${expiry.cidr}`,
    undo: { requestId: 'ttl', by: 'system', at: new Date().toISOString() },
  });
  return claim.status === 'claimed' ||
    claim.status === 'already_undone' ||
    claim.status === 'mismatch'
    ? claim
    : undefined;
}

/** Consumes the expiry queue: each delayed job is taken by one worker, once. */
export function startExpiryWorker(connection: Redis, prefix: string, deps: ExpiryDeps) {
  return new (workerClass())<BlockExpiry, { outcome: ExpiryOutcome }>(
    BLOCK_EXPIRY_QUEUE,
    async (job) => ({ outcome: await expireBlock(job.data, deps) }),
    { connection, prefix, concurrency: 4 },
  );
}
