import { CoalescedMessage } from '../notify/coalesced-message.ts';
import type { MessageContent } from '../notify/message-content.ts';
import type { RunThread } from '../notify/run-output.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import type { RunRenderer } from './run-renderer.ts';
import type { RunView } from './run-view.ts';

/** Posts the first state of a run's progress message; returns its ts. */
export async function postRunProgress(
  writer: SlackWriter,
  render: RunRenderer,
  channel: string,
  view: RunView,
  threadTs?: string,
): Promise<string> {
  return (await writer.post(channel, render.progress(view), threadTs)).ts;
}

/**
 * A run's progress message in Slack, edited in place from the neutral `RunView` (at most once per
 * `intervalMs`, see `CoalescedMessage`), and the run's result reply.
 */
export class RunProgress {
  private constructor(
    private readonly writer: SlackWriter,
    private readonly render: RunRenderer,
    private readonly message: CoalescedMessage,
  ) {}

  /** A message already in Slack, posted at `postedAt` (its first edit waits the interval). */
  static posted(
    writer: SlackWriter,
    render: RunRenderer,
    channel: string,
    ts: string,
    intervalMs: number,
    onError: (error: unknown) => void,
    postedAt = 0,
  ): RunProgress {
    return new RunProgress(
      writer,
      render,
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
    render: RunRenderer,
    channel: string,
    view: RunView,
    open: (content: MessageContent) => Promise<string>,
    intervalMs: number,
    onError: (error: unknown) => void,
  ): RunProgress {
    return new RunProgress(
      writer,
      render,
      CoalescedMessage.deferred(writer, channel, render.progress(view), open, intervalMs, onError),
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
    this.message.set(this.render.progress(view));
  }

  /** Sends the latest state now (respecting the interval) and waits until it has landed. */
  flush(): Promise<void> {
    return this.message.flush();
  }

  flushInBackground(): void {
    this.message.flushInBackground();
  }

  async postResult(view: RunView, threadTs: string): Promise<void> {
    await this.writer.post(this.channel, this.render.result(view), threadTs);
  }
}
