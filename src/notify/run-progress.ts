import { type RunView, runMessage, runResult } from '../slack/blocks/run-message.ts';
import { CoalescedMessage } from './coalesced-message.ts';
import type { RunThread } from './run-output.ts';
import type { SlackWriter } from './slack-writer.ts';

/** Posts the first state of a run's progress message; returns its ts. */
export async function postRunProgress(
  writer: SlackWriter,
  channel: string,
  view: RunView,
  threadTs?: string,
): Promise<string> {
  return (await writer.post(channel, runMessage(view), threadTs)).ts;
}

/**
 * A run's progress message in Slack, edited in place from the neutral `RunView` (at most once per
 * `intervalMs`, see `CoalescedMessage`), and the run's result reply.
 */
export class RunProgress {
  private constructor(
    private readonly writer: SlackWriter,
    private readonly message: CoalescedMessage,
  ) {}

  /** A message already in Slack, posted at `postedAt` (its first edit waits the interval). */
  static posted(
    writer: SlackWriter,
    channel: string,
    ts: string,
    intervalMs: number,
    onError: (error: unknown) => void,
    postedAt = 0,
  ): RunProgress {
    return new RunProgress(
      writer,
      new CoalescedMessage(writer, channel, ts, intervalMs, onError, postedAt),
    );
  }

  /**
   * A message posted only when it has to be (`CoalescedMessage.deferred`): a run that finishes
   * within the interval posts its final state once and never edits it. `open` posts it and may
   * remember its ts.
   */
  static deferred(
    writer: SlackWriter,
    channel: string,
    view: RunView,
    open: (content: ReturnType<typeof runMessage>) => Promise<string>,
    intervalMs: number,
    onError: (error: unknown) => void,
  ): RunProgress {
    return new RunProgress(
      writer,
      CoalescedMessage.deferred(writer, channel, runMessage(view), open, intervalMs, onError),
    );
  }

  get channel(): string {
    return this.message.channel;
  }

  /** The message's ts once it is in Slack. */
  get ts(): string | undefined {
    return this.message.ts;
  }

  /** The ts, posting the message now with its latest state if it is not in Slack yet. */
  ensurePosted(): Promise<string> {
    return this.message.ensurePosted();
  }

  /** The run's thread, for the output port (its parent may not be posted yet). */
  thread(): RunThread {
    return { known: () => this.message.ts, ensure: () => this.message.ensurePosted() };
  }

  show(view: RunView): void {
    this.message.set(runMessage(view));
  }

  /** Sends the latest state now (respecting the interval) and waits until it has landed. */
  flush(): Promise<void> {
    return this.message.flush();
  }

  flushInBackground(): void {
    this.message.flushInBackground();
  }

  async postResult(view: RunView, threadTs: string): Promise<void> {
    await this.writer.post(this.channel, runResult(view), threadTs);
  }
}
