import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  renderBlock,
  renderMessage,
  renderMrkdwn,
  renderView,
} from '../../src/dev/console/render-blocks.js';
import { channel, date, link, mention } from '../../src/sdk/index.ts';
import { outputMessage } from '../../src/slack/blocks/output.ts';

/**
 * The console's Block Kit renderer against golden HTML, one file per block type under
 * test/golden/blocks/. A missing or different file fails; `UPDATE_GOLDEN=1` (never in CI) rewrites
 * them for review in the diff.
 */
const options = { users: { U0ALICE: 'alice', U0JOSH: 'josh' }, channels: { C0OPS: 'ops' } };

function golden(name: string, html: string) {
  const path = `test/golden/blocks/${name}.html`;
  if (process.env.UPDATE_GOLDEN === '1' && !process.env.CI) writeFileSync(path, `${html}\n`);
  if (!existsSync(path)) throw new Error(`no golden file ${path} (run with UPDATE_GOLDEN=1)`);
  expect(`${html}\n`).toBe(readFileSync(path, 'utf8'));
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });

const CASES: Record<string, unknown> = {
  header: { type: 'header', text: plain('✅ Done: promote') },
  'section-text': { type: 'section', text: mrkdwn('*Plan*  prod: 42 → 43') },
  'section-fields': {
    type: 'section',
    text: mrkdwn('`/ops promote mission-control-api 43`'),
    fields: [mrkdwn('*Requested by*\n<@U0ALICE>'), mrkdwn('*Environment*\nprod')],
  },
  'section-accessory': {
    type: 'section',
    block_id: 'incident',
    text: mrkdwn('Error rate above 5 %'),
    accessory: {
      type: 'button',
      action_id: 'incident.acknowledge',
      text: plain('Acknowledge'),
      value: 'inc-1',
    },
  },
  context: {
    type: 'context',
    elements: [
      { type: 'image', image_url: 'https://example.com/duck.png', alt_text: 'duck' },
      mrkdwn('run-1 · request req-1 · took 1.2 s'),
      plain('plain <text>'),
    ],
  },
  divider: { type: 'divider' },
  actions: {
    type: 'actions',
    block_id: 'approval',
    elements: [
      {
        type: 'button',
        action_id: 'request.approve',
        text: plain('Approve'),
        value: 'req-1',
        style: 'primary',
      },
      {
        type: 'button',
        action_id: 'request.deny',
        text: plain('Deny'),
        value: 'req-1',
        style: 'danger',
      },
      { type: 'button', action_id: 'request.cancel', text: plain('Cancel'), value: 'req-1' },
      { type: 'button', action_id: 'open', text: plain('Runbook'), url: 'https://example.com/rb' },
    ],
  },
  image: {
    type: 'image',
    title: plain('Error rate, last hour'),
    image_url: 'https://example.com/graph.png',
    alt_text: 'graph',
  },
  'input-with-error': {
    type: 'input',
    block_id: 'reason',
    label: plain('Why deny?'),
    hint: plain('The requester sees this.'),
    element: { type: 'plain_text_input', action_id: 'value', multiline: true },
  },
  'input-select': {
    type: 'input',
    block_id: 'alias',
    optional: true,
    label: plain('Alias'),
    element: {
      type: 'static_select',
      action_id: 'value',
      initial_option: { value: 'prod', text: plain('prod') },
      options: [
        { value: 'prod', text: plain('prod') },
        { value: 'staging', text: plain('staging') },
      ],
    },
  },
  unsupported: { type: 'video', title: plain('x') },
};

describe('Block Kit → HTML', () => {
  for (const [name, block] of Object.entries(CASES)) {
    it(`renders ${name}`, () => {
      const errors = name === 'input-with-error' ? { reason: 'Say why, please' } : undefined;
      golden(name, renderBlock(block, options, errors));
    });
  }

  it('renders mrkdwn: bold, italic, strike, quotes, links, mentions and Slack escapes', () => {
    const text = [
      '*bold* _italic_ ~gone~ and `inline <code>`',
      '> quoted line',
      'see <https://example.com/a?b=1&amp;c=2|the docs>, <@U0JOSH>, <#C0OPS>, <!here>',
      '1 &lt; 2 &amp;&amp; 3 &gt; 2',
    ].join('\n');
    golden('mrkdwn', renderMrkdwn(text, options));
  });

  it('renders the emoji shortcodes opsbot writes and dates as their fallback text', () => {
    const text =
      ':large_orange_circle: high · :white_check_mark: done · :unknown_code: · <!date^1795431637^{date_short_pretty} {time_secs}|2026-11-23 11:00:37 UTC>';
    golden('emoji-date', renderMrkdwn(text, options));
  });

  it('renders the output elements as Slack gets them: names, channels, links and UTC dates', () => {
    const message = outputMessage({
      text: 'elements',
      blocks: [
        {
          type: 'text',
          text: [
            link('https://example.com/i?a=1&b=2', 'API <down> & out'),
            ' since ',
            date(1_795_431_637_000),
            ', acknowledged by ',
            mention('U0ALICE'),
            ' in ',
            channel('C0OPS'),
            ' · ',
            link('javascript:alert(1)', 'not a link'),
          ],
        },
      ],
    });
    golden('output-elements', renderMessage(message, options));
  });

  it('renders a code block verbatim, without mrkdwn inside it', () => {
    golden('code-block', renderMrkdwn('Output:\n```\n*not bold* <b>raw</b> &amp;\nline 2\n```'));
  });

  it('escapes HTML everywhere and refuses javascript: links', () => {
    golden(
      'escaping',
      renderMessage({
        blocks: [
          { type: 'header', text: plain('<script>alert(1)</script>') },
          { type: 'section', text: mrkdwn('<javascript:alert(1)|click> "quoted" \'single\'') },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: 'a"b',
                text: plain('<img src=x onerror=alert(1)>'),
                value: '"><script>',
              },
            ],
          },
        ],
      }),
    );
  });

  it('falls back to the text of a message without blocks', () => {
    golden('text-only', renderMessage({ text: 'Queued *promote* for <@U0ALICE>' }, options));
  });

  it('renders a modal body with field errors from response_action: errors', () => {
    const view = { blocks: [CASES['input-with-error'], CASES['input-select']] };
    golden('modal', renderView(view, options, { reason: 'Say why, please' }));
  });
});
