import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  channel,
  date,
  link,
  mention,
  type OutputMessage,
  plainText,
} from '../../src/sdk/index.ts';
import { outputMessage } from '../../src/slack/blocks/output.ts';
import { ACTION } from '../../src/slack/ids.ts';

/**
 * The Slack Block Kit each output element renders to, against golden JSON, one file per case under
 * test/golden/output/. A missing or different file fails; `UPDATE_GOLDEN=1` (never in CI) rewrites
 * them for review in the diff.
 */
function golden(name: string, message: OutputMessage) {
  const json = `${JSON.stringify(outputMessage(message), null, 2)}\n`;
  const path = `test/golden/output/${name}.json`;
  if (process.env.UPDATE_GOLDEN === '1' && !process.env.CI) writeFileSync(path, json);
  if (!existsSync(path)) throw new Error(`no golden file ${path} (run with UPDATE_GOLDEN=1)`);
  expect(json).toBe(readFileSync(path, 'utf8'));
}

/** 2026-11-23 11:00:37 UTC. */
const AT = 1_795_431_637_000;

const CASES: Record<string, OutputMessage> = {
  text: { text: 'Done', blocks: [{ type: 'text', text: '*Plan*  prod: 42 → 43 <!channel> & co' }] },
  code: { text: 'logs', blocks: [{ type: 'code', text: 'ERROR <!everyone> a&b\n```x```' }] },
  'code-split': { text: 'logs', blocks: [{ type: 'code', text: `${'a'.repeat(2990)}\n<<<<` }] },
  fields: {
    text: 'fields',
    blocks: [
      {
        type: 'fields',
        fields: [
          ['Events', '12 <b>'],
          ['Asked by', [mention('U0ALICE'), ' in ', channel('C0OPS')]],
        ],
      },
    ],
  },
  context: { text: 'context', blocks: [{ type: 'context', text: 'run-1 · took 1.2 s <x>' }] },
  rows: {
    text: 'rows',
    blocks: [
      {
        type: 'rows',
        rows: [
          {
            text: 'run-1 `done`',
            link: { url: 'https://slack.com/archives/C0OPS/p1', label: 'thread <1>' },
          },
          { text: 'run-2', link: { url: 'javascript:alert(1)', label: 'click' } },
        ],
      },
    ],
  },
  buttons: {
    text: 'buttons',
    blocks: [
      {
        type: 'buttons',
        buttons: [
          { label: 'Stop', action: ACTION.stopFollow, value: 'run_1', style: 'danger' },
          { label: 'Unblock', command: 'unblock-ip 10.0.0.0/24 target=edge' },
        ],
      },
    ],
  },
  mention: {
    text: ['stopped by ', mention('U0BOB')],
    blocks: [
      { type: 'text', text: ['stopped by ', mention('U0BOB'), ', not ', mention('<!here>')] },
    ],
  },
  channel: {
    text: 'channel',
    blocks: [{ type: 'context', text: ['see ', channel('C0OPS'), ' or ', channel('<#C1|x>')] }],
  },
  link: {
    text: 'link',
    blocks: [
      {
        type: 'text',
        text: [
          link('https://example.com/a?b=1&c=2', 'Check <!here> & co'),
          ' · ',
          link('javascript:alert(1)', 'not a <link>'),
          ' · ',
          link('https://evil.example|https://good.example', 'spoofed'),
        ],
      },
    ],
  },
  date: {
    text: ['since ', date(AT)],
    blocks: [{ type: 'text', text: ['since ', date(AT), ', then ', date(Number.NaN)] }],
  },
  'clipped-entity': {
    text: 'clipped',
    blocks: [{ type: 'context', text: ['x'.repeat(1985), mention('U0ALICE'), '&'.repeat(50)] }],
  },
  'clipped-element': {
    text: 'clipped',
    blocks: [{ type: 'context', text: ['x'.repeat(1990), mention('U0ALICE'), 'more'] }],
  },
};

describe('output elements → Slack Block Kit', () => {
  for (const [name, message] of Object.entries(CASES)) {
    it(`renders ${name}`, () => golden(name, message));
  }

  it('writes the elements as readable plain text', () => {
    expect(
      plainText([
        mention('U0A'),
        ' ',
        channel('C0B'),
        ' ',
        link('https://x.example', 'X'),
        ' ',
        date(AT),
      ]),
    ).toBe('@U0A #C0B X (https://x.example) 2026-11-23 11:00 UTC');
  });
});
