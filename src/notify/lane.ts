import { retryAfterOf } from './retry-after.ts';

/** A Slack call; resolving `false` says no call was made (nothing to do), so no budget is spent. */
export type SlackCall<T = unknown> = () => Promise<T>;

/**
 * How a call meets its lane's budget. A `paced` call waits for a slot (incident posts and edits:
 * a storm must not spend Slack's budget on 429s). An `eager` call (a run's post or edit) goes at
 * once and only spends a slot, unless Slack has answered the lane with 429: then it waits its turn
 * like a paced call until the lane has emptied.
 */
export type Pacing = 'paced' | 'eager';

/** Why a lane waited before its next call: for a pacing slot, or out a 429's `Retry-After`. */
export type LaneWait = 'slot' | 'retry-after';

interface Queued {
  call: SlackCall;
  pacing: Pacing;
  /** Ask order, across both queues. */
  seq: number;
  /** Set when someone waits for the call's result (`Lane.run`); else failures go to `onError`. */
  resolve?: (value: unknown) => void;
  reject?: (error: unknown) => void;
}

export interface LaneOptions {
  /** One slot per `intervalMs` (0: no pacing, only 429 pauses). */
  intervalMs: number;
  /** Slots a quiet lane holds (calls that may go at once before the pacing starts). */
  burst?: number;
  onError: (error: unknown) => void;
  /** Told each time the lane waits before a call (tests and logs). */
  onWait?: (reason: LaneWait, ms: number) => void;
}

const closedError = () => new Error('the Slack outbox is closed');

/**
 * One lane of Slack calls, one call in flight at a time, paced by a token bucket: `burst` slots,
 * then one per `intervalMs`. Eager calls go before paced calls waiting for a slot (in the order
 * they were asked for); paced calls go in order. A 429 pauses the whole lane for `Retry-After`,
 * retries the refused call first, then paces every call in order until the lane has emptied, so
 * nothing throttled is dropped and nothing queued behind it overtakes it.
 */
export class Lane {
  private readonly eager: Queued[] = [];
  private readonly paced: Queued[] = [];
  /** The call Slack refused with 429: it goes first once the pause is over. */
  private refused: Queued | undefined;
  private inFlight = 0;
  private tokens: number;
  private refilledAt = Date.now();
  private pausedUntil = 0;
  /** Set by a 429: every call waits for its slot, in order, until the lane has emptied. */
  private throttled = false;
  private running: Promise<void> = Promise.resolve();
  private draining = false;
  private wake: (() => void) | undefined;
  private stopped = false;
  private asked = 0;
  private readonly burst: number;

  constructor(private readonly options: LaneOptions) {
    this.burst = options.burst ?? 1;
    this.tokens = this.burst;
  }

  /** Calls queued or in flight. */
  get size() {
    return this.eager.length + this.paced.length + (this.refused ? 1 : 0) + this.inFlight;
  }

  /** Queues `call`; its failure (other than a 429, which is retried) goes to `onError`. */
  push(call: SlackCall, pacing: Pacing = 'paced'): void {
    this.enqueue({ call, pacing, seq: 0 });
  }

  /** Queues `call` and resolves with its result, or rejects with its failure (not a 429). */
  run<T>(call: SlackCall<T>, pacing: Pacing = 'paced'): Promise<T> {
    if (this.stopped) return Promise.reject(closedError());
    return new Promise<T>((resolve, reject) =>
      this.enqueue({ call, pacing, seq: 0, resolve: resolve as (value: unknown) => void, reject }),
    );
  }

  /** Resolves once the lane has emptied (or stopped). */
  idle(): Promise<void> {
    return this.running;
  }

  /** Drops what is queued; callers waiting on `run` are told the outbox closed. */
  stop(): void {
    this.stopped = true;
    const dropped = [...this.eager.splice(0), ...this.paced.splice(0)];
    if (this.refused) dropped.push(this.refused);
    this.refused = undefined;
    for (const item of dropped) item.reject?.(closedError());
    this.wake?.();
  }

  private enqueue(item: Queued): void {
    if (this.stopped) return;
    item.seq = ++this.asked;
    (item.pacing === 'eager' ? this.eager : this.paced).push(item);
    // A lane waiting for a slot lets an eager call go at once.
    if (item.pacing === 'eager' && !this.throttled) this.wake?.();
    if (!this.draining) {
      this.draining = true;
      this.running = this.drain();
    }
  }

  private refill(now: number): void {
    if (this.options.intervalMs <= 0) return;
    const earned = (now - this.refilledAt) / this.options.intervalMs;
    this.tokens = Math.min(this.burst, this.tokens + Math.max(0, earned));
    this.refilledAt = Math.max(this.refilledAt, now);
  }

  /** The call that may go now, or how long (and why) the lane must wait first. */
  private next(): { item: Queued } | { wait: number; reason: LaneWait } {
    const now = Date.now();
    if (now < this.pausedUntil) return { wait: this.pausedUntil - now, reason: 'retry-after' };
    this.refill(now);
    if (this.refused) return { item: this.refused };
    if (!this.throttled && this.eager.length) return { item: this.eager.shift()! };
    const hasSlot = this.options.intervalMs <= 0 || this.tokens >= 1;
    // Throttled, eager calls wait their turn among the paced ones: the first asked goes first.
    const eagerFirst = this.eager.length && this.eager[0]!.seq < (this.paced[0]?.seq ?? Infinity);
    if (hasSlot) return { item: (eagerFirst ? this.eager : this.paced).shift()! };
    return { wait: (1 - this.tokens) * this.options.intervalMs, reason: 'slot' };
  }

  /**
   * Sends until the lane is empty. `draining` is cleared in the same tick as the last check for
   * work, so a call queued by a caller the last send resolved starts a new drain.
   */
  private async drain(): Promise<void> {
    try {
      while (this.size > 0 && !this.stopped) {
        const next = this.next();
        if ('wait' in next) {
          this.options.onWait?.(next.reason, next.wait);
          await this.sleep(next.wait);
          continue;
        }
        this.refused = undefined;
        await this.send(next.item);
      }
    } finally {
      this.draining = false;
      this.throttled = false;
    }
  }

  private async send(item: Queued): Promise<void> {
    // An eager call spends a slot only when no paced call waits for it, so runs never starve the
    // incident posts and edits that pacing holds back.
    if (item.pacing === 'paced' || this.paced.length === 0)
      this.tokens = Math.max(0, this.tokens - 1);
    this.inFlight += 1;
    try {
      const result = await item.call();
      if (result === false) this.tokens = Math.min(this.burst, this.tokens + 1);
      item.resolve?.(result);
    } catch (error) {
      const retryAfter = retryAfterOf(error);
      if (retryAfter !== undefined && !this.stopped) {
        this.pauseFor(retryAfter);
        this.refused = item;
        return;
      }
      if (item.reject) item.reject(error);
      else this.options.onError(error);
    } finally {
      this.inFlight -= 1;
    }
  }

  /**
   * Slack refused the lane: nothing goes before `Retry-After`; from then on every call waits for a
   * slot (the bucket keeps refilling meanwhile) until the lane has emptied.
   */
  private pauseFor(retryAfterSeconds: number): void {
    this.pausedUntil = Date.now() + Math.max(retryAfterSeconds * 1000, 250);
    this.throttled = true;
  }

  /**
   * Waits until Date.now() has moved `ms`, or less when `wake` is called (an eager call arrived, or
   * the lane stopped). A timer may fire before Date.now() gets there (different clocks); it is set
   * again for the rest, so `next()`, which reads Date.now(), never finds the wait unfinished.
   */
  private sleep(ms: number): Promise<void> {
    const until = Date.now() + ms;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const check = () => {
        const left = until - Date.now();
        if (left > 0) timer = setTimeout(check, left);
        else done();
      };
      timer = setTimeout(check, ms);
      this.wake = done;
    });
  }
}
