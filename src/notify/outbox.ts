import { sleep } from '../util/sleep.ts';
import { Lane, type LaneWait, type SlackCall } from './lane.ts';
import { retryAfterOf } from './retry-after.ts';

export interface OutboxOptions {
  /** Pause between paced posts to one channel (Slack allows about one per second). */
  postIntervalMs?: number;
  /** Paced posts one quiet channel may take at once before the pacing starts (Slack allows bursts). */
  postBurst?: number;
  /** Least time between two edits of one message. */
  updateIntervalMs?: number;
  /**
   * Edits sent per minute over all messages, with a burst of `updateBurst` (Slack's `chat.update`
   * is Tier 3: about 50 a minute per workspace). Pacing here spends the budget on the latest
   * state instead of on 429s.
   */
  updatesPerMinute?: number;
  updateBurst?: number;
  /**
   * A repeat's edit waits until the message's state has been still for `editQuietMs`, but no
   * longer than `editMaxWaitMs`: during a storm the edit budget goes to final counts, not to
   * counts that are stale a moment later. Urgent edits (resolve, acknowledge) do not wait.
   */
  editQuietMs?: number;
  editMaxWaitMs?: number;
  /**
   * Run posts and edits one lane may have in flight at once (each run waits for its own, so a
   * run's messages keep their order; runs in one channel do not wait for each other's round trips).
   */
  runCallsInFlight?: number;
  onError?: (error: unknown) => void;
  /**
   * Told each time a lane waits before its next call: `lane` is a channel, or `chat.update` for
   * the edits' lane; `reason` says whether it waited for a pacing slot or out a 429.
   */
  onWait?: (wait: { lane: string; reason: LaneWait; ms: number }) => void;
}

/**
 * The one rate-aware way out to Slack, shared by runs and incidents (one per process). Posts go
 * through one lane per channel and edits through one `chat.update` lane (that method's budget is
 * per workspace). Incident posts and edits are paced (posts about one per second per channel
 * after a burst of 3; edits 50 a minute after a burst of 20; edits of one message coalesce, the
 * latest state rendered when the edit is sent). Run posts and edits (`postNow`, `updateNow`) go at
 * once, spending the budget, and are not held back by our pacing. A 429 pauses the refused lane
 * for `Retry-After`, retries the call, and paces everything in that lane, in order, until it has
 * emptied: Slack's answer, not our guess, slows runs down. Up to `runCallsInFlight` run calls
 * share a lane at once; incident calls go one at a time.
 */
export class Outbox {
  private readonly posts = new Map<string, Lane>();
  /** `chat.update` limits are per method, not per channel: one lane for every edit. */
  private readonly updates: Lane;
  private readonly queuedEdits = new Set<string>();
  private readonly lastEdit = new Map<string, number>();
  /** When an edit of a message was last asked for, and when the queued one was first asked for. */
  private readonly lastAsk = new Map<string, number>();
  private readonly firstAsk = new Map<string, number>();
  private readonly editQuietMs: number;
  private readonly editMaxWaitMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly postIntervalMs: number;
  private readonly postBurst: number;
  private readonly updateIntervalMs: number;
  private readonly runCallsInFlight: number;
  private readonly onError: (error: unknown) => void;
  private readonly onWait: OutboxOptions['onWait'];
  private closed = false;

  constructor(options: OutboxOptions = {}) {
    this.postIntervalMs = options.postIntervalMs ?? 1000;
    this.postBurst = options.postBurst ?? 3;
    this.updateIntervalMs = options.updateIntervalMs ?? 1000;
    this.runCallsInFlight = options.runCallsInFlight ?? 8;
    this.onError = options.onError ?? (() => {});
    this.editQuietMs = options.editQuietMs ?? 1000;
    this.editMaxWaitMs = options.editMaxWaitMs ?? 30_000;
    this.onWait = options.onWait;
    const perMinute = options.updatesPerMinute ?? 50;
    this.updates = new Lane({
      intervalMs: perMinute > 0 ? 60_000 / perMinute : 0,
      burst: options.updateBurst ?? 20,
      eagerInFlight: this.runCallsInFlight,
      onError: this.onError,
      onWait: this.waitsOf('chat.update'),
    });
  }

  /** Queues a paced post to `channel`; `send` runs when the channel's turn comes and may be retried. */
  post(channel: string, send: SlackCall): void {
    this.postLane(channel).push(send, 'paced');
  }

  /**
   * A post that goes at once (a run's message, output or result), unless Slack has answered the
   * channel with 429: then it waits its turn in the channel's lane. Resolves with the call's result
   * (a message's ts) or rejects with its failure.
   */
  postNow<T>(channel: string, call: SlackCall<T>): Promise<T> {
    return this.postLane(channel).run(call, 'eager');
  }

  /**
   * An edit that goes at once on the shared `chat.update` budget, for a caller that coalesces its
   * own edits (a run message, see `CoalescedMessage`), unless Slack has answered the edits' lane
   * with 429; resolves once it has landed.
   */
  updateNow<T>(call: SlackCall<T>): Promise<T> {
    return this.updates.run(call, 'eager');
  }

  /**
   * Asks for an edit of message `id`. Edits asked for while one is queued merge into it; `send`
   * renders the latest state itself, so the last edit always shows the last count. Non-urgent
   * edits wait for the state to settle (see `editQuietMs`).
   */
  edit(id: string, send: SlackCall, urgent = true): void {
    if (this.closed) return;
    const now = Date.now();
    this.lastAsk.set(id, now);
    const first = urgent ? now - this.editMaxWaitMs : now;
    this.firstAsk.set(id, Math.min(this.firstAsk.get(id) ?? first, first));
    if (this.queuedEdits.has(id)) return;
    this.queuedEdits.add(id);
    this.scheduleEdit(id, send);
  }

  private postLane(channel: string): Lane {
    let lane = this.posts.get(channel);
    if (!lane) {
      lane = new Lane({
        intervalMs: this.postIntervalMs,
        burst: this.postBurst,
        eagerInFlight: this.runCallsInFlight,
        onError: this.onError,
        onWait: this.waitsOf(channel),
      });
      if (this.closed) lane.stop();
      this.posts.set(channel, lane);
    }
    return lane;
  }

  private waitsOf(lane: string) {
    const onWait = this.onWait;
    return onWait && ((reason: LaneWait, ms: number) => onWait({ lane, reason, ms }));
  }

  private scheduleEdit(id: string, send: SlackCall): void {
    const settledAt = Math.min(
      (this.lastAsk.get(id) ?? 0) + this.editQuietMs,
      (this.firstAsk.get(id) ?? 0) + this.editMaxWaitMs,
    );
    const due = Math.max(settledAt, (this.lastEdit.get(id) ?? 0) + this.updateIntervalMs);
    const wait = due - Date.now();
    if (wait > 0) {
      this.later(wait, () => this.scheduleEdit(id, send));
      return;
    }
    this.updates.push(async () => {
      this.queuedEdits.delete(id);
      this.firstAsk.delete(id);
      this.lastAsk.delete(id);
      this.lastEdit.set(id, Date.now());
      try {
        return await send();
      } catch (error) {
        // Refused for now: the lane retries this very edit, so edits asked meanwhile merge into it.
        if (retryAfterOf(error) !== undefined) this.queuedEdits.add(id);
        throw error;
      }
    }, 'paced');
  }

  /** Runs `fn` after `ms` unless the outbox is closed first. */
  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  pending(): number {
    let n = this.updates.size + this.timers.size;
    for (const lane of this.posts.values()) n += lane.size;
    return n;
  }

  /**
   * Waits until nothing is queued (tests, benches, shutdown), or until the outbox is closed: a
   * closed outbox sends nothing more, so waiting for its queue would never end.
   */
  async idle(): Promise<void> {
    while (!this.closed && this.pending() > 0) {
      await Promise.all([this.updates.idle(), ...[...this.posts.values()].map((l) => l.idle())]);
      if (this.timers.size) await sleep(20);
    }
  }

  /** Stops: timers are cleared and queued calls dropped (their state is in Redis; `resume` redoes them). */
  close(): void {
    this.closed = true;
    this.updates.stop();
    for (const lane of this.posts.values()) lane.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
