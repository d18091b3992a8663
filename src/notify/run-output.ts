import type { OutputBlock, OutputMessage, RunOutput } from '../sdk/command.ts';
import { plainText } from '../sdk/output.ts';
import type { MessageContent } from './message-content.ts';
import type { SlackWriter } from './slack-writer.ts';

/** A run thread whose parent message may not be posted yet (a deferred run message). */
export interface RunThread {
  /** Its ts when posted. */
  known(): string | undefined;
  /** Posts the parent now if needed; its ts. */
  ensure(): Promise<string>;
}

/**
 * A run's output port: posts into the run's thread, or privately to the requester. `writer` is the
 * outbox's (`outboxWriter`): posts and uploads to a channel go through its lane; a step awaits
 * each, so one run's output lands in order, and a 429 holds the channel's later posts instead of
 * letting them overtake.
 * `outputMessage` renders a step's output (src/slack/blocks, handed over by src/roles).
 */
export function runOutput(
  writer: SlackWriter,
  outputMessage: (message: OutputMessage) => MessageContent,
  channel: string,
  thread: string | RunThread,
  requester: string,
): RunOutput {
  const known = typeof thread === 'string' ? () => thread : thread.known;
  const ensure = typeof thread === 'string' ? async () => thread : thread.ensure;
  return {
    // Absent while a deferred run message is not posted yet. Only read-only runs defer theirs
    // (src/run/execute.ts); a run that records where its thread is (block-ip) posts at once.
    get thread() {
      const ts = known();
      return ts === undefined ? undefined : { channel, ts };
    },
    async post(message) {
      const threadTs = await ensure();
      const content = outputMessage(message);
      const { ts } = await writer.post(channel, content, threadTs);
      // What did not fit in one message is not lost: all of it follows as a file in the thread.
      if (content.cut)
        await writer.upload(
          channel,
          {
            name: 'output.txt',
            content: outputText(message),
            title: plainText(message.text).slice(0, 200),
          },
          threadTs,
        );
      return { id: ts };
    },
    async update(id, message) {
      await writer.update(channel, id, outputMessage(message));
    },
    async upload(file) {
      const threadTs = await ensure();
      await writer.upload(channel, file, threadTs);
    },
    async toRequester(message) {
      const threadTs = await ensure();
      await writer.ephemeral(channel, requester, outputMessage(message), threadTs);
    },
    async announce(to, message) {
      const content = outputMessage(message);
      await writer.post(to, content);
    },
    async link() {
      const threadTs = await ensure();
      return writer.permalink?.(channel, threadTs).catch(() => undefined);
    },
  };
}

/** A step's output as plain text, every block of it: the file a message too long for Slack links to. */
export function outputText(message: OutputMessage): string {
  const lines = (block: OutputBlock): string[] => {
    switch (block.type) {
      case 'text':
      case 'context':
        return [plainText(block.text)];
      case 'code':
        return [block.text];
      case 'fields':
        return block.fields.map(([label, value]) => `${label}: ${plainText(value)}`);
      case 'rows':
        return block.rows.map((row) =>
          row.link ? `${row.text}  ${row.link.label} (${row.link.url})` : row.text,
        );
      case 'buttons':
        return [];
    }
  };
  const body = message.blocks?.flatMap(lines) ?? [plainText(message.text)];
  return `${body.join('\n')}\n`;
}
