import type { OutputBlock, OutputMessage } from '../../sdk/command.ts';
import { ACTION } from '../ids.ts';
import { clip, escapeText, isSafeUrl } from './format.ts';
import { richMrkdwn } from './inline.ts';
import { type Block, type MessageContent, mrkdwn, plain } from './types.ts';

const KNOWN_ACTIONS = new Set<string>(Object.values(ACTION));
const MAX_BLOCKS = 50;
/**
 * Characters of text one message holds at most. Besides 50 blocks, Slack refuses a message whose
 * blocks hold much more than about 13,000 characters (`msg_blocks_too_long`, undocumented): a step's
 * output past this is left out of the message, and the run attaches all of it as a file.
 */
const TEXT_BUDGET = 12_000;

/** The characters of text a block holds. */
function textLength(block: Block): number {
  switch (block.type) {
    case 'header':
      return block.text.text.length;
    case 'section':
      return (
        (block.text?.text.length ?? 0) + (block.fields ?? []).reduce((n, f) => n + f.text.length, 0)
      );
    case 'context':
      return block.elements.reduce((n, e) => n + e.text.length, 0);
    case 'actions':
      return block.elements.reduce((n, e) => n + e.text.text.length, 0);
    case 'divider':
      return 0;
  }
}

/**
 * One output block as Block Kit. A command button's action id is `command.run.<n>`, `n` its place
 * among the message's buttons (`buttonsBefore()` counts those in earlier actions blocks), so no two
 * buttons of a message share an action id, however many actions blocks it has.
 */
function render(block: OutputBlock, buttonsBefore: (count: number) => number): Block[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'section', text: mrkdwn(richMrkdwn(block.text, 3000)) }];
    case 'code':
      // Escaped like any other text: inside a code block Slack still reads `<!everyone>` and links.
      return chunk(escapeText(block.text.replace(/```/g, "'''")), 3000 - 8).map((part) => ({
        type: 'section',
        text: mrkdwn(`\`\`\`${part}\`\`\``),
      }));
    case 'fields':
      return chunkArray(block.fields, 10).map((fields) => ({
        type: 'section',
        fields: fields.map(([label, value]) =>
          mrkdwn(
            richMrkdwn([`*${label}*\n`, ...(typeof value === 'string' ? [value] : value)], 2000),
          ),
        ),
      }));
    case 'context':
      return [{ type: 'context', elements: [mrkdwn(richMrkdwn(block.text, 2000))] }];
    case 'rows':
      return rowSections(block.rows);
    case 'buttons': {
      const unknown = block.buttons.find((b) => 'action' in b && !KNOWN_ACTIONS.has(b.action));
      if (unknown && 'action' in unknown)
        throw new Error(`unknown button action ${unknown.action}`);
      return chunkArray(block.buttons, 25).map((buttons) => {
        const offset = buttonsBefore(buttons.length);
        return {
          type: 'actions',
          elements: buttons.map((b, index) => ({
            type: 'button',
            action_id: 'action' in b ? b.action : `${ACTION.runCommand}.${offset + index}`,
            text: plain(clip(b.label, 75)),
            value: ('action' in b ? b.value : b.command).slice(0, 2000),
            ...(b.style ? { style: b.style } : {}),
          })),
        };
      });
    }
  }
}

function rowSections(rows: Extract<OutputBlock, { type: 'rows' }>['rows']): Block[] {
  const lines = rows.map((row) => {
    const text = `\`${escapeText(row.text).replace(/`/g, "'")}\``;
    const link = row.link && isSafeUrl(row.link.url) ? row.link : undefined;
    return link ? `${text} <${link.url}|${escapeText(link.label)}>` : text;
  });
  const sections: Block[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + line.length + 1 > 3000) {
      sections.push({ type: 'section', text: mrkdwn(current) });
      current = '';
    }
    current = current ? `${current}\n${line}` : clip(line, 3000);
  }
  if (current) sections.push({ type: 'section', text: mrkdwn(current) });
  return sections;
}

/**
 * A step's output as Slack blocks, within Block Kit's limits (long code is split, not cut). All
 * text is escaped, the summary too; only inline elements become Slack markup.
 */
export function outputMessage(message: OutputMessage): MessageContent {
  let buttons = 0;
  const buttonsBefore = (count: number) => {
    buttons += count;
    return buttons - count;
  };
  const blocks = (message.blocks ?? [{ type: 'text', text: message.text }]).flatMap((block) =>
    render(block, buttonsBefore),
  );
  const text = richMrkdwn(message.text, 3000);
  let used = 0;
  const fits = blocks.findIndex((block, index) => {
    used += textLength(block);
    return used > TEXT_BUDGET || index >= MAX_BLOCKS;
  });
  if (fits === -1) return { text, blocks };
  // Room for the closing line: one block, and its words.
  const kept = blocks.slice(0, Math.min(fits, MAX_BLOCKS - 1));
  kept.push({
    type: 'context',
    elements: [
      mrkdwn(`… ${blocks.length - kept.length} more blocks did not fit in one Slack message`),
    ],
  });
  return { text, blocks: kept, cut: true };
}

function chunk(text: string, size: number): string[] {
  if (text.length <= size) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > size) {
    const cut = rest.lastIndexOf('\n', size);
    let at = cut > size / 2 ? cut : size;
    // Never split an entity (`&amp;`, `&lt;`, `&gt;`) that escaping put in.
    const amp = rest.lastIndexOf('&', at - 1);
    if (amp >= 0 && at - amp < 5 && !rest.slice(amp, at).includes(';')) at = amp;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest) parts.push(rest);
  return parts;
}

function chunkArray<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
