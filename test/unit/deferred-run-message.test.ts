import { describe, expect, it } from 'vitest';
import { CoalescedMessage } from '../../src/notify/coalesced-message.ts';
import { runOutput } from '../../src/notify/run-output.ts';
import type { SlackWriter } from '../../src/notify/slack-writer.ts';
import { outputMessage } from '../../src/slack/blocks/output.ts';

const content = (text: string) => ({ text, blocks: [] });

/** A writer that records what it was asked; `post` fails while `failing` is set. */
function recordingWriter() {
  const calls: string[] = [];
  let n = 0;
  const writer = {
    failing: false,
    calls,
    async post(_channel: string, message: { text: string }, threadTs?: string) {
      if (writer.failing) throw new Error('slack down');
      calls.push(`post ${message.text}${threadTs ? ` in ${threadTs}` : ''}`);
      return { ts: `ts${++n}` };
    },
    async update(_channel: string, ts: string, message: { text: string }) {
      calls.push(`update ${ts} ${message.text}`);
    },
    async ephemeral() {},
    async upload() {},
  };
  return writer;
}

const opener = (writer: ReturnType<typeof recordingWriter>) => async (c: { text: string }) =>
  (await writer.post('C1', c)).ts;

describe('a deferred run message', () => {
  it('posts only its latest state when asked for its ts, then edits it', async () => {
    const writer = recordingWriter();
    const message = CoalescedMessage.deferred(
      writer as unknown as SlackWriter,
      'C1',
      content('queued'),
      opener(writer),
      60_000,
    );
    message.set(content('running'));
    message.set(content('done'));
    expect(message.ts).toBeUndefined();
    expect(await message.ensurePosted()).toBe('ts1');
    expect(await message.ensurePosted()).toBe('ts1');
    expect(writer.calls).toEqual(['post done']);
  });

  it('a step that posts output first posts the run message, then replies in its thread', async () => {
    const writer = recordingWriter();
    const message = CoalescedMessage.deferred(
      writer as unknown as SlackWriter,
      'C1',
      content('running'),
      opener(writer),
      60_000,
    );
    const output = runOutput(
      writer as unknown as SlackWriter,
      outputMessage,
      'C1',
      { known: () => message.ts, ensure: () => message.ensurePosted() },
      'U1',
    );
    expect(output.thread).toBeUndefined();
    await output.post({ text: 'found 3' });
    expect(output.thread).toEqual({ channel: 'C1', ts: 'ts1' });
    expect(writer.calls[0]).toBe('post running');
    expect(writer.calls[1]).toMatch(/^post .* in ts1$/);
  });

  it('a failed first post is tried again, with the latest state', async () => {
    const writer = recordingWriter();
    const errors: unknown[] = [];
    const message = CoalescedMessage.deferred(
      writer as unknown as SlackWriter,
      'C1',
      content('running'),
      opener(writer),
      60_000,
      (error) => errors.push(error),
    );
    writer.failing = true;
    await expect(message.ensurePosted()).rejects.toThrow('could not be posted');
    expect(errors).toHaveLength(1);
    writer.failing = false;
    message.set(content('done'));
    expect(await message.ensurePosted()).toBe('ts1');
    expect(writer.calls).toEqual(['post done']);
  });
});
