import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import { createWebClient } from '../../src/slack/web-writer.ts';

/**
 * The emulator refuses what Slack's Block Kit reference says Slack refuses, so a test against it
 * catches what a real workspace would answer with `invalid_blocks` / `invalid_arguments`.
 */
describe('Slack emulator: Block Kit rules', () => {
  const slack = new SlackEmulator({ tokens: ['xoxb-good'] });
  let client: ReturnType<typeof createWebClient>;
  beforeAll(async () => {
    client = createWebClient('xoxb-good', await slack.start());
    slack.state.addChannel('C1', 'ops');
  });
  afterAll(() => slack.stop());

  const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
  const plain = (text: string) => ({ type: 'plain_text', text });
  const button = (action_id: string, text = 'Go') => ({
    type: 'button',
    action_id,
    text: plain(text),
    value: 'v',
  });

  const INVALID: Record<string, unknown[]> = {
    'an empty actions block': [{ type: 'actions', elements: [] }],
    'empty section text': [{ type: 'section', text: mrkdwn('') }],
    'an empty fields list': [{ type: 'section', fields: [] }],
    'a context block without elements': [{ type: 'context', elements: [] }],
    'a context block with 11 elements': [
      { type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('x')) },
    ],
    'an empty context text': [{ type: 'context', elements: [mrkdwn('')] }],
    'a mrkdwn header': [{ type: 'header', text: mrkdwn('*x*') }],
    'a mrkdwn button label': [
      { type: 'actions', elements: [{ ...button('a'), text: mrkdwn('Go') }] },
    ],
    'a button label over 75': [{ type: 'actions', elements: [button('a', 'x'.repeat(76))] }],
    'a button url over 3000': [
      { type: 'actions', elements: [{ ...button('a'), url: `https://x/${'y'.repeat(3000)}` }] },
    ],
    'two buttons with one action_id in a block': [
      { type: 'actions', elements: [button('same'), button('same')] },
    ],
    'two blocks with one block_id': [
      { type: 'section', block_id: 'b', text: mrkdwn('x') },
      { type: 'divider', block_id: 'b' },
    ],
    'a block_id over 255': [{ type: 'divider', block_id: 'b'.repeat(256) }],
    'emoji on mrkdwn': [{ type: 'section', text: { ...mrkdwn('x'), emoji: true } }],
    'an input block in a message': [
      {
        type: 'input',
        block_id: 'i',
        label: plain('Reason'),
        element: { type: 'plain_text_input', action_id: 'r' },
      },
    ],
  };

  for (const [what, blocks] of Object.entries(INVALID))
    it(`refuses a message with ${what} (invalid_blocks)`, async () => {
      await expect(
        client.chat.postMessage({ channel: 'C1', text: 'x', blocks: blocks as never }),
      ).rejects.toMatchObject({ data: { ok: false, error: 'invalid_blocks' } });
    });

  it('still takes valid blocks, and one action_id in two different blocks', async () => {
    const blocks = [
      { type: 'header', text: plain('Title') },
      { type: 'section', text: mrkdwn('*x*'), fields: [mrkdwn('a'), mrkdwn('b')] },
      { type: 'context', elements: [mrkdwn('c'), plain('d')] },
      { type: 'actions', block_id: 'one', elements: [button('go'), button('stop')] },
      { type: 'actions', block_id: 'two', elements: [button('go')] },
    ];
    await expect(
      client.chat.postMessage({ channel: 'C1', text: 'x', blocks: blocks as never }),
    ).resolves.toMatchObject({ ok: true });
  });

  const modal = (over: Record<string, unknown> = {}) => ({
    type: 'modal',
    callback_id: 'form',
    title: plain('Form'),
    submit: plain('Send'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: 'arg.x',
        label: plain('x'),
        element: {
          type: 'static_select',
          action_id: 'value',
          options: [{ text: plain('a'), value: 'a' }],
        },
      },
    ],
    ...over,
  });
  const open = (view: unknown) => client.views.open({ trigger_id: 't.1', view: view as never });

  it('opens a valid modal and refuses the ones Slack refuses', async () => {
    await expect(open(modal())).resolves.toMatchObject({ ok: true });
    for (const bad of [
      modal({ submit: plain('x'.repeat(25)) }),
      modal({ close: plain('x'.repeat(25)) }),
      modal({ callback_id: 'c'.repeat(256) }),
      modal({ submit: undefined }),
      modal({ title: mrkdwn('Form') }),
      modal({
        blocks: [
          {
            type: 'input',
            block_id: 'arg.x',
            label: plain('x'),
            element: {
              type: 'static_select',
              action_id: 'value',
              options: Array.from({ length: 101 }, (_, i) => ({
                text: plain(`o${i}`),
                value: `${i}`,
              })),
            },
          },
        ],
      }),
    ])
      await expect(open(bad)).rejects.toMatchObject({ data: { ok: false } });
  });
});
