import { sleep } from '../util/sleep.ts';
import type { MessageContent } from './message-content.ts';
import type { SlackWriter } from './slack-writer.ts';

/**
 * Posts a message not yet in Slack and returns its ts (a run message whose first post waits:
 * see `CoalescedMessage.deferred`).
 */
export type OpenMessage = (content: MessageContent) => Promise<string>;

/**
 * One Slack message edited in place, at most once per `intervalMs`. Intermediate states are
 * dropped; the latest always lands, and updates never overlap, so they arrive in order.
 */
export class CoalescedMessage {
  private latest: MessageContent | undefined;
  private lastSentAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private posted: string | undefined;
  private open: OpenMessage | undefined;

  /**
   * A message already in Slack (`ts`). `postedAt` is when it was posted: its first edit waits the
   * interval from then, so a run that finishes fast edits its message once, not twice.
   */
  constructor(
    private readonly writer: SlackWriter,
    readonly channel: string,
    ts: string | undefined,
    private readonly intervalMs = 1000,
    private readonly onError: (error: unknown) => void = () => {},
    postedAt = 0,
  ) {
    this.posted = ts;
    this.lastSentAt = postedAt;
  }

  /**
   * A message posted (by `open`) only when it has to be: `intervalMs` after now if it still
   * changes, or when `ts()` is asked for. A run that finishes within the interval posts its final
   * state once and never edits it (one Slack call instead of a post and one or two edits).
   */
  static deferred(
    writer: SlackWriter,
    channel: string,
    first: MessageContent,
    open: OpenMessage,
    intervalMs = 1000,
    onError: (error: unknown) => void = () => {},
  ): CoalescedMessage {
    const message = new CoalescedMessage(
      writer,
      channel,
      undefined,
      intervalMs,
      onError,
      Date.now(),
    );
    message.open = open;
    message.set(first);
    return message;
  }

  /** The ts once the message is in Slack. */
  get ts(): string | undefined {
    return this.posted;
  }

  /** The message's ts, posting it now with its latest content if it is not in Slack yet. */
  async ensurePosted(): Promise<string> {
    await this.inFlight;
    if (!this.posted) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.inFlight = this.inFlight.then(() => this.send());
      await this.inFlight;
    }
    if (!this.posted) throw new Error('the run message could not be posted');
    return this.posted;
  }

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
      if (this.posted) await this.writer.update(this.channel, this.posted, content);
      else if (this.open) this.posted = await this.open(content);
    } catch (error) {
      // Not posted yet: keep the content, so the next send (or `ensurePosted`) tries again.
      if (!this.posted) this.latest ??= content;
      this.onError(error);
    }
  }
}
