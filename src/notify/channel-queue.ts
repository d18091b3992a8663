import { sleep } from '../util/sleep.ts';

/**
 * Serial work per Slack channel: posts to one channel go out one at a time, in the order they were
 * asked for, while other channels proceed in parallel. When Slack answers 429, the WebClient waits
 * `Retry-After` and retries; since the channel's queue waits for that post, later posts keep their
 * order instead of overtaking it. An optional gap spaces posts (Slack allows about 1 per second
 * per channel).
 */
export class ChannelQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly lastAt = new Map<string, number>();

  constructor(private readonly gapMs = 0) {}

  run<T>(channel: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(channel) ?? Promise.resolve();
    const result = previous.then(async () => {
      const wait = (this.lastAt.get(channel) ?? 0) + this.gapMs - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        return await task();
      } finally {
        this.lastAt.set(channel, Date.now());
      }
    });
    const tail = result.then(
      () => {},
      () => {},
    );
    this.tails.set(channel, tail);
    void tail.then(() => {
      if (this.tails.get(channel) === tail) {
        this.tails.delete(channel);
        if (this.gapMs === 0) this.lastAt.delete(channel);
      }
    });
    return result;
  }

  /** Channels with posts waiting or in flight. */
  get busyChannels(): number {
    return this.tails.size;
  }
}

/** The queue run outputs post through (one per process). */
export const runPostQueue = new ChannelQueue();
