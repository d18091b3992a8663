import { retryAfterOf } from './slack-port.ts';

/** A Slack call; resolving `false` says no call was made (nothing to do), so no budget is spent. */
type Task = () => Promise<unknown>;

/**
 * One FIFO of Slack calls paced by a token bucket: `burst` calls at once, then one per
 * `intervalMs`. A 429 pauses the lane for `Retry-After` and retries the same call, so nothing
 * throttled is dropped.
 */
class Lane {
  private readonly tasks: Task[] = [];
  private tokens: number;
  private refilledAt = Date.now();
  private pausedUntil = 0;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly burst = 1,
  ) {
    this.tokens = burst;
  }

  /** Milliseconds until a call may go (refilling the bucket first). */
  private waitForToken(): number {
    const now = Date.now();
    if (this.intervalMs <= 0) return Math.max(0, this.pausedUntil - now);
    this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) / this.intervalMs);
    this.refilledAt = now;
    const wait = this.tokens >= 1 ? 0 : (1 - this.tokens) * this.intervalMs;
    return Math.max(wait, this.pausedUntil - now);
  }

  get size() {
    return this.tasks.length;
  }

  /** Stops: queued calls are dropped; one in flight finishes but is not retried. */
  stop() {
    this.stopped = true;
    this.tasks.length = 0;
  }

  push(task: Task) {
    this.tasks.push(task);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async drain() {
    while (this.tasks.length && !this.stopped) {
      const wait = this.waitForToken();
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      if (this.stopped) return;
      const task = this.tasks[0]!;
      if (this.intervalMs > 0) this.tokens -= 1;
      try {
        if ((await task()) === false && this.intervalMs > 0) this.tokens += 1;
        this.tasks.shift();
      } catch (error) {
        const retryAfter = retryAfterOf(error);
        if (retryAfter !== undefined) {
          this.pausedUntil = Date.now() + Math.max(retryAfter * 1000, 250);
          continue;
        }
        this.tasks.shift();
        this.onError(error);
      }
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface OutboxOptions {
  /** Pause between posts to one channel (Slack allows about one per second). */
  postIntervalMs?: number;
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
  onError?: (error: unknown) => void;
}

/**
 * The rate-aware queue every outbound incident call goes through: posts queue per channel (about
 * one per second), edits of a message coalesce (the latest state is rendered when the edit is
 * sent, at most one edit per message per interval), and 429s back off and retry.
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
  private readonly updateIntervalMs: number;
  private readonly onError: (error: unknown) => void;
  private closed = false;

  constructor(options: OutboxOptions = {}) {
    this.postIntervalMs = options.postIntervalMs ?? 1000;
    this.updateIntervalMs = options.updateIntervalMs ?? 1000;
    this.onError = options.onError ?? (() => {});
    this.editQuietMs = options.editQuietMs ?? 1000;
    this.editMaxWaitMs = options.editMaxWaitMs ?? 30_000;
    const perMinute = options.updatesPerMinute ?? 50;
    this.updates = new Lane(
      perMinute > 0 ? 60_000 / perMinute : 0,
      this.onError,
      options.updateBurst ?? 20,
    );
  }

  /** Queues a post to `channel`; `send` runs when the channel's turn comes and may be retried. */
  post(channel: string, send: Task): void {
    let lane = this.posts.get(channel);
    if (!lane) {
      lane = new Lane(this.postIntervalMs, this.onError);
      this.posts.set(channel, lane);
    }
    lane.push(send);
  }

  /**
   * Asks for an edit of message `id`. Edits asked for while one is queued merge into it; `send`
   * renders the latest state itself, so the last edit always shows the last count. Non-urgent
   * edits wait for the state to settle (see `editQuietMs`).
   */
  edit(id: string, send: Task, urgent = true): void {
    if (this.closed) return;
    const now = Date.now();
    this.lastAsk.set(id, now);
    const first = urgent ? now - this.editMaxWaitMs : now;
    this.firstAsk.set(id, Math.min(this.firstAsk.get(id) ?? first, first));
    if (this.queuedEdits.has(id)) return;
    this.queuedEdits.add(id);
    this.scheduleEdit(id, send);
  }

  private scheduleEdit(id: string, send: Task): void {
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
        if (retryAfterOf(error) !== undefined) this.queuedEdits.add(id);
        throw error;
      }
    });
  }

  /** Runs `fn` after `ms` unless the outbox is closed first. */
  later(ms: number, fn: () => void): void {
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
   * closed outbox sends nothing more, so waiting for its queue would never end (and, with every
   * lane stopped, would spin without ever yielding to timers or I/O).
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
