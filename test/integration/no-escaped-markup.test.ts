import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsSettingsSchema } from '../../src/config/logs.ts';
import { ACTION } from '../../src/slack/ids.ts';
import {
  ALERT_ENV,
  alertsFile,
  buttons,
  parentFor,
  sendWebhook,
  webhookBody,
} from '../helpers/alerts.ts';
import { DiskDynalite } from '../helpers/dynalite-disk.ts';
import { type Harness, messageText, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { logsWorld } from '../helpers/logs-harness.ts';

/**
 * Commands write mentions, links and dates as output elements, never as Slack markup: markup a
 * command wrote would reach Slack escaped (`&lt;@U…&gt;`) and show as text. This sweeps the
 * commands that show people, links and times and checks every block opsbot sent.
 */
const ESCAPED_MARKUP = /&lt;(@|!|#|https?:)/;

/** Every escaped markup opening in what a call sent: blocks, the summary, a view. */
function offenders(sent: { where: string; payload: unknown }[]) {
  return sent.flatMap(({ where, payload }) => {
    const json = JSON.stringify(payload ?? null);
    const found = json.match(new RegExp(ESCAPED_MARKUP, 'g'));
    return found ? [{ where, found: [...new Set(found)], json: json.slice(0, 300) }] : [];
  });
}

describe('no escaped Slack markup in what commands post', () => {
  const db = new DiskDynalite();
  let h: Harness;
  let world: ReturnType<typeof logsWorld>;
  const acks: { where: string; payload: unknown }[] = [];

  beforeAll(async () => {
    await db.start();
    const table = await db.table();
    world = logsWorld();
    const file = alertsFile();
    file.targets.logs_settings = logsSettingsSchema.parse({
      allow_raw_log_groups: false,
      follow_max_minutes: 30,
      live_tail: true,
    });
    h = await startHarness({
      file,
      aws: world.aws,
      env: ALERT_ENV,
      alerts: { postIntervalMs: 50 },
      audit: { table: table.name, endpoint: db.endpoint },
    });
  });
  afterAll(async () => {
    await h?.stop();
    world?.logs.mock.restore();
    await db.dispose();
  });

  const command = async (text: string, user = USERS.alice) => {
    const response = await h.client.command(text, user);
    acks.push({ where: `ack of /ops ${text}`, payload: response.json });
  };
  const posted = (match: (m: { text: string; thread_ts?: string }) => boolean, what: string) =>
    waitFor(what, () => h.slack.state.messages.find(match), 20_000);

  it('help, incidents, logs search and follow, note, audit and a run with a result', async () => {
    await command('help');
    await command('help incidents');

    await sendWebhook(h, webhookBody('swept'));
    const parent = await waitFor('the incident', () => parentFor(h, 'Check swept failing'));
    const ack = buttons(parent).get('Acknowledge')!;
    await h.client.clickButton(ack.action_id, ack.value, USERS.bob, {
      channel: 'C0OPS',
      ts: parent.ts,
    });
    await waitFor('the acknowledgement', () => messageText(parent).includes('Acknowledged by'));
    await command('incidents');
    await posted((m) => !!m.thread_ts && m.text.includes('open incident'), 'the incident list');

    const now = Date.now();
    world.store.push({ timestamp: now - 60_000, message: 'ERROR one' });
    world.store.push({ timestamp: now - 30_000, message: 'ERROR two' });
    await command('logs mission-control-api since=5m');
    await posted((m) => m.text.startsWith('2 events in '), 'the logs search result');

    await command('logs mission-control-api follow=10m');
    const head = await posted((m) => m.text.startsWith('Following '), 'the follow header');
    await command('logs mission-control-api follow=5m', USERS.bob);
    await posted((m) => m.text.includes('is already followed'), 'the already-followed pointer');
    const stop = (head.blocks as { elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === ACTION.stopFollow)!;
    await h.client.clickButton(stop.action_id, stop.value, USERS.bob, {
      channel: 'C0OPS',
      ts: head.ts,
    });
    await posted((m) => m.text.startsWith('Follow of '), 'the ended follow');

    await command('note swept by the markup guard');
    await command('ping');
    await posted((m) => m.text.includes('ping done'), 'the ping result');
    await command('audit');
    await posted((m) => m.text.includes('audit entries'), 'the audit table');

    const sent = h.slack.state.calls
      .filter((c) => /^(chat\.|views\.)/.test(c.method))
      .map((c) => ({
        where: c.method,
        payload: { text: c.args.text, blocks: c.args.blocks, view: c.args.view },
      }));
    // The sweep reached Slack: the incident list, the follow and the audit table were all sent.
    expect(sent.length).toBeGreaterThan(10);
    expect(offenders([...acks, ...sent])).toEqual([]);
  });
});
