/**
 * What containment did and what undid it, kept by the bot (Redis): one entry per containment
 * request, so an Undo names what it undoes and an undone action is never undone twice.
 */

export interface ContainmentAction {
  /** The request that did it. */
  requestId: string;
  /** The command, such as `block-ip`. */
  command: string;
  /** What it acted on, such as `edge:203.0.113.7/32`; an undo must name the same. */
  subject: string;
  by: string;
  at: string;
  reason?: string;
  /** Where its result card is, so an expiry note goes in the same thread. */
  thread?: { channel: string; ts: string };
  /** For a block with a ttl: when it expires (ISO 8601). */
  expiresAt?: string;
  /** Command-specific facts an undo needs, such as the quarantine policy name. */
  facts?: Record<string, string>;
}

export interface UndoMark {
  /** The request that undid it, or `ttl` when a block expired. */
  requestId: string;
  by: string;
  at: string;
}

/** A block taken over by a newer block of the same target and CIDR (which now holds it). */
export interface SupersededMark {
  /** The newer block's request. */
  requestId: string;
  by: string;
  at: string;
}

export type UndoClaim =
  | { status: 'claimed'; action: ContainmentAction }
  | { status: 'unknown' }
  | { status: 'mismatch'; action: ContainmentAction }
  | { status: 'already_undone'; action: ContainmentAction; undone: UndoMark };

export interface ContainmentLedgerPort {
  /** Records a done action; recording the same request twice keeps the first. */
  record(action: ContainmentAction): Promise<void>;
  get(
    requestId: string,
  ): Promise<
    { action: ContainmentAction; undone?: UndoMark; superseded?: SupersededMark } | undefined
  >;
  /**
   * Marks `original` undone by `undo.requestId`, atomically, only when it names `command` and
   * `subject` and is not undone yet. Claiming again with the same undo request id is `claimed`
   * (a retried run).
   */
  claimUndo(input: {
    original: string;
    command: string;
    subject: string;
    undo: UndoMark;
  }): Promise<UndoClaim>;
}
