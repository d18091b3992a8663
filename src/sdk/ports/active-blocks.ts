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
  set(block: ActiveBlock): Promise<void>;
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
}

export interface BlockExpiry {
  requestId: string;
  target: string;
  cidr: string;
  ref: BlocklistRef;
  /** When (ISO 8601). */
  at: string;
}
