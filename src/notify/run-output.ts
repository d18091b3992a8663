import type { RunOutput } from '../sdk/command.ts';
import { outputMessage } from '../slack/blocks/output.ts';
import type { SlackWriter } from './slack-writer.ts';

/** A run's output port: posts into the run's thread, or privately to the requester. */
export function runOutput(
  writer: SlackWriter,
  channel: string,
  threadTs: string,
  requester: string,
): RunOutput {
  return {
    async post(message) {
      const { ts } = await writer.post(channel, outputMessage(message), threadTs);
      return { id: ts };
    },
    async update(id, message) {
      await writer.update(channel, id, outputMessage(message));
    },
    async upload(file) {
      await writer.upload(channel, file, threadTs);
    },
    async toRequester(message) {
      await writer.ephemeral(channel, requester, outputMessage(message), threadTs);
    },
  };
}
