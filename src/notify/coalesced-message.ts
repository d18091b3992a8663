import type { MessageContent } from '../slack/blocks/types.ts';
import { sleep } from '../util/sleep.ts';
import type { SlackWriter } from './slack-writer.ts';

/**
 * One Slack message edited in place, at most once per `intervalMs`. Intermediate states are
 * dropped; the latest always lands, and updates never overlap, so they arrive in order.
 */
export class CoalescedMessage {
  private latest: MessageContent | undefined;
  private lastSentAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly writer: SlackWriter,
    readonly channel: string,
    readonly ts: string,
    private readonly intervalMs = 1000,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  set(content: MessageContent): void {
    this.latest = content;
    if (this.timer) return;
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.inFlight.then(() => this.send());
    }, wait);
  }

  /** Sends the latest state now (respecting the interval) and waits until it has landed. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      const wait = Math.max(0, this.lastSentAt + this.intervalMs - Date.now());
      if (wait > 0) await sleep(wait);
      this.inFlight = this.inFlight.then(() => this.send());
    }
    await this.inFlight;
  }

  /** Lands the latest state without waiting; `settleAll()` waits for every such flush (on shutdown). */
  flushInBackground(): void {
    const pending = this.flush().catch(this.onError);
    CoalescedMessage.pending.add(pending);
    void pending.finally(() => CoalescedMessage.pending.delete(pending));
  }

  private static readonly pending = new Set<Promise<void>>();

  static async settleAll(): Promise<void> {
    await Promise.all([...CoalescedMessage.pending]);
  }

  private async send(): Promise<void> {
    const content = this.latest;
    if (!content) return;
    this.latest = undefined;
    this.lastSentAt = Date.now();
    try {
      await this.writer.update(this.channel, this.ts, content);
    } catch (error) {
      this.onError(error);
    }
  }
}
