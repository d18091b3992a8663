import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileConfig } from '../../src/config/file.ts';
import { type Harness, messageText, waitFor } from './harness.ts';

export type User = { id: string; name: string };

/** A folder holding the given runbook files (name → YAML). */
export function runbookFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-guided-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

/** `file` with a `guided_runbooks` section (fast polling for tests). */
export function withGuided(file: FileConfig, section: Record<string, unknown>): FileConfig {
  return { ...file, guided_runbooks: { poll_seconds: 0.2, ...section } } as FileConfig;
}

export interface RunbookCard {
  channel: string;
  ts: string;
  text(): string;
  /** The button of step `number` with this label's action (`done`, `skip`, `retry`, `abort`). */
  button(
    number: number,
    action: 'done' | 'skip' | 'retry' | 'abort',
  ): { action_id: string; value: string };
  thread(): { text: string; ts: string; blocks?: unknown[] }[];
}

type Block = { type: string; block_id?: string; elements?: { action_id: string; value: string }[] };

/** The newest runbook card in `channel` (optionally in a thread). */
export async function waitForRunbookCard(h: Harness, channel = 'C0OPS', threadTs?: string) {
  const message = await waitFor('the runbook card', () =>
    h.slack.state
      .channelMessages(channel)
      .filter(
        (m) =>
          (threadTs ? m.thread_ts === threadTs : !m.thread_ts) && m.text.startsWith('Runbook '),
      )
      .at(-1),
  );
  const card: RunbookCard = {
    channel,
    ts: message.ts,
    text: () => messageText(message),
    button(number, action) {
      const block = (message.blocks as Block[]).find(
        (b) => b.block_id === `runbook.step.${number}`,
      );
      const element = block?.elements?.find((e) => e.action_id === `runbook.${action}`);
      if (!element)
        throw new Error(`step ${number} has no ${action} button: ${messageText(message)}`);
      return element;
    },
    thread: () => h.slack.state.channelMessages(channel, threadTs ?? message.ts),
  };
  return card;
}

export async function clickStep(
  h: Harness,
  card: RunbookCard,
  number: number,
  action: 'done' | 'skip' | 'retry' | 'abort',
  user: User,
) {
  const button = await waitFor(`step ${number} to offer ${action}`, () => {
    try {
      return card.button(number, action);
    } catch {
      return undefined;
    }
  });
  return h.client.clickButton(button.action_id, button.value, user, card);
}
