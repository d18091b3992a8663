import type { RunOutput } from '../sdk/command.ts';
import { outputMessage } from '../slack/blocks/output.ts';
import { runPostQueue } from './channel-queue.ts';
import type { SlackWriter } from './slack-writer.ts';

/**
 * A run's output port: posts into the run's thread, or privately to the requester. Posts and
 * uploads to a channel are queued per channel, so they land in order.
 */
export function runOutput(
  writer: SlackWriter,
  channel: string,
  threadTs: string,
  requester: string,
): RunOutput {
  return {
    thread: { channel, ts: threadTs },
    async post(message) {
      const content = outputMessage(message);
      const { ts } = await runPostQueue.run(channel, () => writer.post(channel, content, threadTs));
      return { id: ts };
    },
    async update(id, message) {
      await writer.update(channel, id, outputMessage(message));
    },
    async upload(file) {
      await runPostQueue.run(channel, () => writer.upload(channel, file, threadTs));
    },
    async toRequester(message) {
      await writer.ephemeral(channel, requester, outputMessage(message), threadTs);
    },
    async announce(to, message) {
      const content = outputMessage(message);
      await runPostQueue.run(to, () => writer.post(to, content));
    },
    async link() {
      return writer.permalink?.(channel, threadTs).catch(() => undefined);
    },
  };
}
