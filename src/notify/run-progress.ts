import type { RunView } from '../run/run-view.ts';
import { runMessage, runResult } from '../slack/blocks/run-message.ts';
import { CoalescedMessage } from './coalesced-message.ts';
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
  private readonly message: CoalescedMessage;

  constructor(
    private readonly writer: SlackWriter,
    readonly channel: string,
    readonly ts: string,
    intervalMs: number,
    onError: (error: unknown) => void,
  ) {
    this.message = new CoalescedMessage(writer, channel, ts, intervalMs, onError);
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
