import { describe, expect, it } from 'vitest';
import type { MessageContent } from '../../src/notify/message-content.ts';
import { outputText, runOutput } from '../../src/notify/run-output.ts';
import type { SlackWriter } from '../../src/notify/slack-writer.ts';
import type { OutputMessage } from '../../src/sdk/command.ts';
import { outputMessage } from '../../src/slack/blocks/output.ts';

/** The characters of text a message's blocks hold, as Slack counts them toward its size cap. */
const textIn = (content: MessageContent) =>
  content.blocks.reduce((n, block) => {
    if (block.type === 'section')
      return (
        n +
        (block.text?.text.length ?? 0) +
        (block.fields ?? []).reduce((m, f) => m + f.text.length, 0)
      );
    if (block.type === 'context') return n + block.elements.reduce((m, e) => m + e.text.length, 0);
    return n;
  }, 0);

/** 300 active blocks, as `/ops blocks` lists them after a storm's containment. */
const manyRows: OutputMessage = {
  text: '300 active blocks',
  blocks: [
    { type: 'text', text: '*300 active blocks*' },
    {
      type: 'rows',
      rows: Array.from({ length: 300 }, (_, i) => ({
        text: `edge  203.0.113.${i % 256}/32  by U0ALICE  since 2026-12-03T10:00:00Z  expires 2026-12-04T10:00:00Z  (req_${String(i).padStart(16, '0')}) — credential stuffing`,
      })),
    },
  ],
};

describe('output too long for one Slack message', () => {
  it('is cut to what one message holds, and says so', () => {
    const content = outputMessage(manyRows);
    expect(content.cut).toBe(true);
    expect(textIn(content)).toBeLessThanOrEqual(12_100);
    expect(content.blocks.length).toBeLessThanOrEqual(50);
    const last = content.blocks.at(-1)!;
    expect(last).toMatchObject({ type: 'context' });
    expect(JSON.stringify(last)).toMatch(/more blocks did not fit in one Slack message/);
  });

  it('short output is not cut', () => {
    const content = outputMessage({ text: 'ok', blocks: [{ type: 'text', text: 'fine' }] });
    expect(content.cut).toBeUndefined();
  });

  it('a run posts what fits and attaches all of it as a file in the thread', async () => {
    const posted: { channel: string; content: MessageContent; threadTs?: string }[] = [];
    const uploads: { channel: string; name: string; content: string; threadTs?: string }[] = [];
    const writer: SlackWriter = {
      post: async (channel, content, threadTs) => {
        posted.push({ channel, content, threadTs });
        return { ts: '2.000001' };
      },
      update: async () => {},
      ephemeral: async () => {},
      note: async () => {},
      upload: async (channel, file, threadTs) => {
        uploads.push({ channel, name: file.name, content: String(file.content), threadTs });
      },
    };
    const output = runOutput(writer, outputMessage, 'C0OPS', '1.000001', 'U0ALICE');
    await output.post(manyRows);
    expect(posted).toHaveLength(1);
    expect(textIn(posted[0]!.content)).toBeLessThanOrEqual(12_100);
    expect(uploads).toEqual([
      { channel: 'C0OPS', name: 'output.txt', content: outputText(manyRows), threadTs: '1.000001' },
    ]);
    const lines = uploads[0]!.content.trimEnd().split('\n');
    expect(lines).toHaveLength(301);
    expect(lines.at(-1)).toContain('req_0000000000000299');
  });
});
