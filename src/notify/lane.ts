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
  /**
   * Eager calls a lane Slack has not refused may have in flight at once (1: one call at a time).
   * Paced calls go one at a time whatever this is, and a lane that Slack answered with 429 sends
   * one call at a time, in order, until it has emptied.
   */
  eagerInFlight?: number;
  onError: (error: unknown) => void;
  /** Told each time the lane waits before a call (tests and logs). */
  onWait?: (reason: LaneWait, ms: number) => void;
}

const closedError = () => new Error('the Slack outbox is closed');

/** What the lane does next: send a call, wait (for a slot or out a 429), or wait for a call to end. */
type Next = { item: Queued } | { wait: number; reason: LaneWait } | { busy: true };

/**
 * One lane of Slack calls, paced by a token bucket: `burst` slots, then one per `intervalMs`.
 * Eager calls go before paced calls waiting for a slot, up to `eagerInFlight` at once (each caller
 * waits for its own call, so one run's posts keep their order); paced calls go one at a time, in
 * order. A 429 pauses the whole lane for `Retry-After`, retries the refused calls first (in the
 * order they were asked for), then sends every call one at a time, in order, until the lane has
 * emptied, so nothing throttled is dropped and nothing queued behind it overtakes it.
 */
export class Lane {
  private readonly eager: Queued[] = [];
  private readonly paced: Queued[] = [];
  /** The calls Slack refused with 429, in ask order: they go first once the pause is over. */
  private readonly refused: Queued[] = [];
  private inFlight = 0;
  private pacedInFlight = 0;
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
  private readonly eagerInFlight: number;

  constructor(private readonly options: LaneOptions) {
    this.burst = options.burst ?? 1;
    this.tokens = this.burst;
    this.eagerInFlight = Math.max(1, options.eagerInFlight ?? 1);
  }

  /** Calls queued or in flight. */
  get size() {
    return this.eager.length + this.paced.length + this.refused.length + this.inFlight;
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
    const dropped = [...this.eager.splice(0), ...this.paced.splice(0), ...this.refused.splice(0)];
    for (const item of dropped) item.reject?.(closedError());
    this.wake?.();
  }

  private enqueue(item: Queued): void {
    if (this.stopped) return;
    item.seq = ++this.asked;
    (item.pacing === 'eager' ? this.eager : this.paced).push(item);
    // A lane waiting for a slot (or for a call to end) lets an eager call go at once.
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

  /** The call that may go now, how long (and why) the lane must wait first, or that it is busy. */
  private next(): Next {
    const now = Date.now();
    if (now < this.pausedUntil) return { wait: this.pausedUntil - now, reason: 'retry-after' };
    this.refill(now);
    // Refused, or throttled since: one call at a time, so nothing overtakes what Slack held back.
    if (this.refused.length || this.throttled) {
      if (this.inFlight > 0) return { busy: true };
      if (this.refused.length) return { item: this.refused.shift()! };
    } else if (this.eager.length) {
      // Beside other eager calls only: a run's call waits for an incident's call in flight, as it
      // did when the lane sent one call at a time, so a 429 for that call holds the run's back.
      const room = this.pacedInFlight === 0 && this.inFlight < this.eagerInFlight;
      return room ? { item: this.eager.shift()! } : { busy: true };
    }
    if (!this.eager.length && !this.paced.length) return { busy: true };
    if (this.pacedInFlight > 0) return { busy: true };
    const hasSlot = this.options.intervalMs <= 0 || this.tokens >= 1;
    // Throttled, eager calls wait their turn among the paced ones: the first asked goes first.
    const eagerFirst = this.eager.length && this.eager[0]!.seq < (this.paced[0]?.seq ?? Infinity);
    if (hasSlot) return { item: (eagerFirst ? this.eager : this.paced).shift()! };
    return { wait: (1 - this.tokens) * this.options.intervalMs, reason: 'slot' };
  }

  /**
   * Sends until the lane is empty and no call is in flight. `draining` is cleared in the same tick
   * as the last check for work, so a call queued by a caller the last send resolved starts a new
   * drain.
   */
  private async drain(): Promise<void> {
    try {
      while (this.size > 0 && !this.stopped) {
        const next = this.next();
        if ('busy' in next) {
          await this.callEnded();
          continue;
        }
        if ('wait' in next) {
          this.options.onWait?.(next.reason, next.wait);
          await this.sleep(next.wait);
          continue;
        }
        // Not awaited: `next()` says when a call must wait for the ones in flight.
        void this.send(next.item);
      }
      // Stopped: calls already in flight still end before the lane is idle.
      while (this.inFlight > 0) await this.callEnded();
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
    if (item.pacing === 'paced') this.pacedInFlight += 1;
    try {
      const result = await item.call();
      if (result === false) this.tokens = Math.min(this.burst, this.tokens + 1);
      item.resolve?.(result);
    } catch (error) {
      const retryAfter = retryAfterOf(error);
      if (retryAfter !== undefined && !this.stopped) {
        this.pauseFor(retryAfter);
        this.refused.push(item);
        this.refused.sort((a, b) => a.seq - b.seq);
        return;
      }
      if (item.reject) item.reject(error);
      else this.options.onError(error);
    } finally {
      this.inFlight -= 1;
      if (item.pacing === 'paced') this.pacedInFlight -= 1;
      this.wake?.();
    }
  }

  /**
   * Slack refused the lane: nothing goes before `Retry-After`; from then on every call waits for a
   * slot (the bucket keeps refilling meanwhile) until the lane has emptied.
   */
  private pauseFor(retryAfterSeconds: number): void {
    this.pausedUntil = Math.max(
      this.pausedUntil,
      Date.now() + Math.max(retryAfterSeconds * 1000, 250),
    );
    this.throttled = true;
  }

  /** Waits until a call in flight ends, a call is queued or the lane stops. */
  private callEnded(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
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
