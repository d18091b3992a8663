import { signWebhook } from '../../src/alerts/webhook.ts';
import { alertsConfigSchema } from '../../src/config/alerts.ts';
import { exampleConfig, type Harness, waitFor } from './harness.ts';

export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';
export const ALERTMANAGER_TOKEN = 'test-alertmanager-token-0123456789';
export const ALERT_ENV = {
  OPSBOT_WEBHOOK_SECRET: WEBHOOK_SECRET,
  OPSBOT_ALERTMANAGER_TOKEN: ALERTMANAGER_TOKEN,
};

/** The example config with incidents in the ops channel, a 1 s repeat summary and test runbooks. */
export function alertsFile(overrides: Record<string, unknown> = {}) {
  const file = exampleConfig();
  file.slack.incidents_channel = undefined;
  file.alerts = alertsConfigSchema.parse({
    repeat_summary_seconds: 1,
    incident_channel_severities: ['critical'],
    oncall_group: 'oncall',
    runbooks: [
      {
        name: 'uptime-checks',
        labels: { source: 'uptime' },
        buttons: [
          { label: 'Ping opsbot', command: 'ping' },
          // Not a command opsbot has: the button must be refused, never run.
          { label: 'Drain queue', command: 'drain-queue orders' },
        ],
      },
    ],
    ...overrides,
  });
  return file;
}

export function webhookBody(
  key: string,
  status: 'firing' | 'resolved' = 'firing',
  extra: Record<string, unknown> = {},
) {
  return JSON.stringify({
    source: 'uptime',
    key,
    status,
    severity: 'warning',
    summary: `Check ${key} failing`,
    details: { region: 'eu-west-1' },
    links: [{ label: 'Status page', url: 'https://status.example.com' }],
    ...extra,
  });
}

let lastTimestamp = 0;

/**
 * A signing timestamp no earlier call in this test file used (now, or a second after the last
 * one). A signed delivery is identified by its signature (timestamp and body), so two sends of the
 * same body in one second are one delivery and the second is a replay (issue 16, finding 9); a
 * test that means two deliveries signs each with its own timestamp, as a sender's repeats are.
 */
export function freshTimestamp(): number {
  lastTimestamp = Math.max(Math.floor(Date.now() / 1000), lastTimestamp + 1);
  return lastTimestamp;
}

/** Sends a signed webhook; by default a new delivery (its own timestamp), never a replay. */
export function sendWebhook(
  h: Harness,
  body: string,
  headers: Record<string, string> = signWebhook(WEBHOOK_SECRET, body, freshTimestamp()),
) {
  return fetch(`${h.baseUrl}/alerts/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

export function sendAlertmanager(h: Harness, body: string, token = ALERTMANAGER_TOKEN) {
  return fetch(`${h.baseUrl}/alerts/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
}

/** Top-level messages of a channel (incident parents, run messages). */
export const parentsIn = (h: Harness, channel = 'C0OPS') =>
  h.slack.state.channelMessages(channel).filter((m) => !m.thread_ts);
export const parentFor = (h: Harness, needle: string, channel = 'C0OPS') =>
  parentsIn(h, channel).find((m) => m.text.includes(needle));
export const threadOf = (h: Harness, ts: string, channel = 'C0OPS') =>
  h.slack.state.channelMessages(channel, ts);

/**
 * Waits until the incident behind `parent` has stored where its parent landed. The parent is
 * posted first and its ts stored a moment later; a runbook button clicked in between starts its
 * request outside the incident thread, since the button handler threads it on the stored ts.
 */
export async function waitForParentStored(h: Harness, parent: { ts: string; blocks?: unknown[] }) {
  const id = /inc_[0-9a-f]{12}/.exec(JSON.stringify(parent.blocks ?? []))?.[0];
  if (!id) throw new Error(`the parent ${parent.ts} names no incident`);
  await waitFor('the parent stored on its incident', async () =>
    (await h.redis.hget(`${h.prefix}:incident:${id}`, 'ts')) === parent.ts ? true : undefined,
  );
}

/** The buttons of a message, by label. */
export function buttons(message: { blocks?: unknown[] }) {
  const actions = (message.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as
    | { elements: { action_id: string; value: string; text: { text: string } }[] }
    | undefined;
  return new Map((actions?.elements ?? []).map((e) => [e.text.text, e]));
}

/** What an uptime webhook's incident channel is named after: `check-<key>-failing`. */
export const channelSlug = (key: string) => `check-${key}-failing`;

/** The channels named for the incident of `key` (its own, and any of that name someone else made). */
export const incidentChannelsOf = (h: Harness, key: string) =>
  [...h.slack.state.channels.values()].filter((c) => c.name.includes(channelSlug(key)));

/** The conversations.create calls for the incident of `key`, as the emulator logged them. */
export const channelCreateCalls = (h: Harness, key: string) =>
  h.slack.state.calls.filter(
    (c) => c.method === 'conversations.create' && String(c.args.name).includes(channelSlug(key)),
  );

/** The open incident of the uptime webhook `key`, as the store holds it. */
export const openIncidentOf = async (h: Harness, key: string) =>
  (await h.bot.alerts.store.listOpen()).find((i) => i.key === `webhook:uptime:${key}`);
