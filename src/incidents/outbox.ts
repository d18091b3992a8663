import { retryAfterOf } from './slack-port.ts';

type Task = () => Promise<void>;

/**
 * One FIFO of Slack calls paced to at most one per `intervalMs`. A 429 pauses the lane for
 * `Retry-After` and retries the same call, so nothing throttled is dropped.
 */
class Lane {
  private readonly tasks: Task[] = [];
  private lastAt = 0;
  private pausedUntil = 0;
  private running: Promise<void> | undefined;
  stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  get size() {
    return this.tasks.length;
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
      const wait = Math.max(this.pausedUntil, this.lastAt + this.intervalMs) - Date.now();
      if (wait > 0) await sleep(wait);
      if (this.stopped) return;
      const task = this.tasks[0]!;
      this.lastAt = Date.now();
      try {
        await task();
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
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly postIntervalMs: number;
  private readonly updateIntervalMs: number;
  private readonly onError: (error: unknown) => void;
  private closed = false;

  constructor(options: OutboxOptions = {}) {
    this.postIntervalMs = options.postIntervalMs ?? 1000;
    this.updateIntervalMs = options.updateIntervalMs ?? 1000;
    this.onError = options.onError ?? (() => {});
    this.updates = new Lane(0, this.onError);
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
   * renders the latest state itself, so the last edit always shows the last count.
   */
  edit(id: string, send: Task): void {
    if (this.closed || this.queuedEdits.has(id)) return;
    this.queuedEdits.add(id);
    const due = (this.lastEdit.get(id) ?? 0) + this.updateIntervalMs - Date.now();
    const enqueue = () =>
      this.updates.push(async () => {
        this.queuedEdits.delete(id);
        this.lastEdit.set(id, Date.now());
        try {
          await send();
        } catch (error) {
          if (retryAfterOf(error) !== undefined) this.queuedEdits.add(id);
          throw error;
        }
      });
    if (due <= 0) enqueue();
    else this.later(due, enqueue);
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

  /** Waits until nothing is queued (tests, benches, shutdown). */
  async idle(): Promise<void> {
    while (this.pending() > 0) {
      await Promise.all([this.updates.idle(), ...[...this.posts.values()].map((l) => l.idle())]);
      if (this.timers.size) await sleep(20);
    }
  }

  /** Stops: timers are cleared and queued calls dropped (their state is in Redis; `resume` redoes them). */
  close(): void {
    this.closed = true;
    this.updates.stopped = true;
    for (const lane of this.posts.values()) lane.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
