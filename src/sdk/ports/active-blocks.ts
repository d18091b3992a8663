import type { UndoMark } from './containment-ledger.ts';
import type { BlocklistRef } from './ip-blocklists.ts';

/** The addresses opsbot blocked and has not unblocked yet, with who, why and until when. */

export interface ActiveBlock {
  target: string;
  cidr: string;
  requestId: string;
  by: string;
  reason: string;
  at: string;
  expiresAt?: string;
}

export interface ActiveBlocksPort {
  /** The blocks in force, per target and CIDR (one entry each: a newer block replaces it). */
  list(): Promise<ActiveBlock[]>;
  /** The block in force of this target and CIDR: the request that holds it now. */
  get(target: string, cidr: string): Promise<ActiveBlock | undefined>;
  /**
   * Records the block as held by `block.requestId`. A newer block of the same target and CIDR takes
   * it over: the request that held it is marked superseded in the ledger in the same atomic step,
   * so its Undo can never lift the newer block. Returns the block it replaced.
   */
  set(block: ActiveBlock): Promise<{ replaced?: ActiveBlock }>;
  /**
   * Removes the active block of this target and CIDR and returns it; with `requestId`, only when
   * that request made it (an old block's expiry never lifts a newer block of the same CIDR).
   */
  clear(input: {
    target: string;
    cidr: string;
    requestId?: string;
  }): Promise<ActiveBlock | undefined>;
  /**
   * Schedules the block's expiry: a delayed job, once per request id, that unblocks `cidr` where it
   * was blocked (`ref`, as it was when blocked) and notes it in the result card's thread.
   */
  scheduleExpiry(expiry: BlockExpiry): Promise<void>;
  /**
   * After an unblock: one atomic step that marks the block's holder undone by `undo.requestId`
   * and removes the active block, and remembers what it did under the unblock's request id, so a
   * run retried after a crash gets the same answer and never half of it. `original` (an Undo) names
   * the request undone; without it (a manual unblock) the request holding the block is.
   */
  lift(input: { target: string; cidr: string; undo: UndoMark; original?: string }): Promise<Lifted>;
}

/** What an unblock's `lift` did. */
export interface Lifted {
  /** The request marked undone (the Undo's original, or the holder), if any. */
  undoes?: string;
  /** That request had already been undone by another (such as its ttl, meanwhile). */
  alreadyUndone?: UndoMark;
  /** The active block was removed (it was held by `undoes`). */
  cleared: boolean;
}

export interface BlockExpiry {
  requestId: string;
  target: string;
  cidr: string;
  ref: BlocklistRef;
  /** When (ISO 8601). */
  at: string;
}
