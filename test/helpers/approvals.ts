import type { FileConfig } from '../../src/config/file.ts';
import { ACTION } from '../../src/slack/ids.ts';
import { exampleConfig, type Harness, messageText, waitFor } from './harness.ts';

export type User = { id: string; name: string };

/** The example config with fast timers: sweeps every 100 ms, emergency reminders every ~0.4 s. */
export function approvalsConfig(change: (file: FileConfig) => void = () => {}): FileConfig {
  const file = exampleConfig();
  file.approvals = {
    sweep_seconds: 0.1,
    emergency_reminder_hours: 0.0001,
    membership_cache_seconds: 300,
  };
  change(file);
  return file;
}

export interface Card {
  id: string;
  channel: string;
  ts: string;
  /** The card as it is now: text, blocks and how many times it was edited. */
  now(): { text: string; edits: number };
}

/** Waits for the request card (top level in #ops) and for its location to be stored. */
export async function waitForCard(h: Harness, channel = 'C0OPS', threadTs?: string): Promise<Card> {
  const message = await waitFor('the request card', () =>
    h.slack.state
      .channelMessages(channel)
      .find(
        (m) =>
          (threadTs ? m.thread_ts === threadTs : !m.thread_ts) &&
          /request req_[0-9a-f]{16}"/.test(JSON.stringify(m.blocks ?? [])),
      ),
  );
  const id = /request (req_[0-9a-f]{16})"/.exec(JSON.stringify(message.blocks))![1]!;
  await waitFor('the card to be stored', () =>
    h.redis.hget(`${h.prefix}:request:${id}`, 'card_ts'),
  );
  return {
    id,
    channel,
    ts: message.ts,
    now: () => ({ text: messageText(message), edits: message.edits }),
  };
}

export function click(
  h: Harness,
  action: keyof typeof ACTION,
  value: string,
  user: User,
  card: Card,
) {
  return h.client.clickButton(ACTION[action], value, user, card);
}

/** Ephemeral messages shown to one user, newest last. */
export function ephemeralsFor(h: Harness, user: User): string[] {
  return h.slack.state.messages.filter((m) => m.visibleTo === user.id).map((m) => m.text);
}

export async function waitForEphemeral(h: Harness, user: User, pattern: string) {
  return waitFor(`an ephemeral for ${user.name} containing "${pattern}"`, () =>
    ephemeralsFor(h, user).find((t) => t.includes(pattern)),
  );
}

export async function waitForCardText(card: Card, pattern: string) {
  return waitFor(`the card to say "${pattern}"`, () => card.now().text.includes(pattern));
}

/** Submits a modal as Slack does (`view_submission`), with the values a person entered. */
export function submitView(
  h: Harness,
  user: User,
  view: { id: string; callback_id: string; private_metadata: string },
  values: Record<string, Record<string, unknown>>,
) {
  return h.client.interaction({
    type: 'view_submission',
    team: { id: 'T0EMULATE', domain: 'emulated' },
    user: { id: user.id, username: user.name, name: user.name, team_id: 'T0EMULATE' },
    api_app_id: 'A0OPSBOT',
    token: 'deprecated-verification-token',
    trigger_id: `${Date.now()}.${Math.floor(Math.random() * 1e12)}.emulated`,
    view: {
      ...view,
      type: 'modal',
      team_id: 'T0EMULATE',
      app_id: 'A0OPSBOT',
      bot_id: 'B0OPSBOT',
      hash: '1.abc',
      state: { values },
    },
  });
}

/** The runs' result replies in a card's thread. */
export function resultReplies(h: Harness, card: Card) {
  return h.slack.state
    .channelMessages(card.channel, card.ts)
    .filter((m) => /^(✅|❌) promote (done|failed)/.test(m.text));
}
