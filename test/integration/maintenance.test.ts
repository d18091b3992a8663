import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/alerts/webhook.ts';
import { MAINTENANCE_END_QUEUE } from '../../src/maintenance/start.ts';
import { maintenanceSchema } from '../../src/sdk/maintenance-config.ts';
import { ACTION } from '../../src/slack/ids.ts';
import { ALERT_ENV, alertsFile, parentsIn, sendWebhook, webhookBody } from '../helpers/alerts.ts';
import { type Harness, messageText, startHarness, USERS, waitFor } from '../helpers/harness.ts';

const { alice, josh } = USERS;
const STATUS_SECRET = 'test-status-webhook-secret-0123456789';

/** A status page: checks each POST's signature as a receiver would, and a health URL for drop. */
const received: { event: string; verified: string | undefined; body: Record<string, unknown> }[] =
  [];
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      received.push({
        event: String(parsed.event),
        verified: verifyWebhook(STATUS_SECRET, body, req.headers) ?? 'ok',
        body: parsed,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function file() {
  const f = alertsFile();
  (f.targets as Record<string, unknown>).maintenance = maintenanceSchema.parse({
    drop: {
      alarm_names: ['Check drop-*'],
      announce_channels: ['C0RANDOM'],
      status_webhook: { url: `${base}/hooks/opsbot` },
    },
  });
  f.targets.endpoints.drop = { health_url: `${base}/api/health`, timeout_ms: 2000 };
  return f;
}

const critical = (key: string) => webhookBody(key, 'firing', { severity: 'critical' });
const parentOf = (h: Harness, key: string) =>
  parentsIn(h).find((m) => m.text.includes(`Check ${key} failing`));
const channelsCreated = (h: Harness) => h.slack.state.callsTo('conversations.create').length;
const topLevel = (h: Harness, channel: string, needle: string) =>
  parentsIn(h, channel).filter((m) => m.text.includes(needle));

/** Asks as alice, approves as josh (prod needs one approval from operators); returns the request id. */
async function approved(h: Harness, line: string) {
  const before = new Set(parentsIn(h).map((m) => m.ts));
  await h.client.command(line, alice);
  const message = await waitFor('a new request card', () =>
    parentsIn(h).find(
      (m) => !before.has(m.ts) && /request req_[0-9a-f]{16}"/.test(JSON.stringify(m.blocks ?? [])),
    ),
  );
  const id = /request (req_[0-9a-f]{16})"/.exec(JSON.stringify(message.blocks))![1]!;
  await waitFor('the card stored', () => h.redis.hget(`${h.prefix}:request:${id}`, 'card_ts'));
  await h.client.clickButton(ACTION.approve, id, josh, { channel: 'C0OPS', ts: message.ts });
  return id;
}

describe('maintenance windows', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
    received.length = 0;
  });
  const start = () =>
    startHarness({
      file: file(),
      env: { ...ALERT_ENV, OPSBOT_STATUS_WEBHOOK_SECRET: STATUS_SECRET },
      alerts: { postIntervalMs: 50 },
    });

  it('mutes matching incidents while open, counts runs, posts the summary at `maintenance end`, and pings again after', async () => {
    h = await start();
    const id = await approved(h, 'maintenance start drop duration=30m reason="db upgrade"');
    await waitFor(
      'the announcement in #ops',
      () => topLevel(h, 'C0OPS', 'Maintenance: drop until')[0],
    );
    const announced = await waitFor(
      'the announcement in the announce channel',
      () => topLevel(h, 'C0RANDOM', 'Maintenance: drop until')[0],
    );
    expect(announced.text).toContain('db upgrade');
    expect(received).toEqual([
      expect.objectContaining({ event: 'maintenance.started', verified: 'ok' }),
    ]);
    expect(received[0]!.body).toMatchObject({ service: 'drop', reason: 'db upgrade' });

    // A critical alert for drop: recorded and counted, posted muted (no incident channel, no invite).
    await sendWebhook(h, critical('drop-5xx'));
    await sendWebhook(h, critical('drop-5xx'));
    const muted = await waitFor('the muted parent', () => parentOf(h, 'drop-5xx'));
    await waitFor('both firings counted', () => messageText(muted).includes('*Firing count*\\n2'));
    expect(muted.text).toContain('[in maintenance]');
    expect(messageText(muted)).toContain('In maintenance');
    expect(messageText(muted)).not.toMatch(/<!here>|<!channel>|<!subteam/);
    // Another service's alert is not muted: it gets its channel (the on-call group invited).
    await sendWebhook(h, critical('api-5xx'));
    const loud = await waitFor('the unmuted parent', () => parentOf(h, 'api-5xx'));
    await waitFor('its incident channel', () => channelsCreated(h) === 1);
    expect(loud.text).not.toContain('maintenance');
    await waitFor('the on-call group invited', () =>
      h.slack.state.callsTo('conversations.invite').length === 1 ? true : undefined,
    );

    // A run on the service while the window is open.
    await h.client.command('health drop', alice);
    await waitFor('the health run', () =>
      h.slack.state.channelMessages('C0OPS').some((m) => m.text.includes('drop is healthy')),
    );

    // The shift handoff shows the open window.
    await h.client.command('handoff', alice);
    const handoff = await waitFor('the handoff card', () =>
      h.slack.state.channelMessages('C0OPS').find((m) => m.text.startsWith('Handoff:')),
    );
    expect(messageText(handoff)).toMatch(
      /Maintenance windows open\*\\n• drop until \d{4}-\d\d-\d\d \d\d:\d\d UTC — db upgrade/,
    );

    await approved(h, 'maintenance end drop');
    const summary = await waitFor(
      'the summary in #ops',
      () => topLevel(h, 'C0OPS', 'Maintenance of drop over')[0],
    );
    expect(summary.text).toMatch(/ended by U0ALICE\) after \d+ s: 1 run, 1 alert muted/);
    // Ended early: its planned end (a delayed job) is removed, not left to fire into nothing.
    const queue = new Queue(MAINTENANCE_END_QUEUE, { connection: h.redis, prefix: h.prefix });
    try {
      await waitFor('the planned end removed', async () =>
        (await queue.getJob(`end-${id}`)) ? undefined : true,
      );
    } finally {
      await queue.close();
    }
    expect(messageText(summary)).toContain('health service=drop');
    expect(messageText(summary)).toContain('muted: Check drop-5xx failing');
    await waitFor(
      'the summary in the announce channel',
      () => topLevel(h, 'C0RANDOM', 'Maintenance of drop over')[0],
    );
    await waitFor('the end webhook', () => received.length === 2);
    expect(received[1]).toMatchObject({ event: 'maintenance.ended', verified: 'ok' });
    expect(received[1]!.body).toMatchObject({ runs: 1, alerts_muted: 1 });

    // After the window: a drop alert pings as usual.
    await sendWebhook(h, critical('drop-latency'));
    const after = await waitFor('the parent after the window', () => parentOf(h, 'drop-latency'));
    await waitFor('its incident channel', () => channelsCreated(h) === 2);
    expect(after.text).not.toContain('maintenance');
  });

  it('survives a restart and closes at the planned end (a delayed job) with one summary', async () => {
    h = await start();
    const id = await approved(h, 'maintenance start drop duration=2h reason="kernel patch"');
    await waitFor('the announcement', () => topLevel(h, 'C0OPS', 'Maintenance: drop until')[0]);
    await h.restartBot();
    await sendWebhook(h, critical('drop-db'));
    const muted = await waitFor('the muted parent after the restart', () => parentOf(h, 'drop-db'));
    expect(muted.text).toContain('[in maintenance]');
    expect(channelsCreated(h)).toBe(0);

    // The planned end, now: the job BullMQ holds for the window fires on the new process's worker.
    const queue = new Queue(MAINTENANCE_END_QUEUE, { connection: h.redis, prefix: h.prefix });
    try {
      const job = await queue.getJob(`end-${id}`);
      expect(job?.delay).toBeGreaterThan(3_600_000);
      await job!.promote();
    } finally {
      await queue.close();
    }
    const summary = await waitFor(
      'the summary',
      () => topLevel(h, 'C0OPS', 'Maintenance of drop over')[0],
    );
    expect(summary.text).toMatch(/\(at its planned end\) after \d+ s: 0 runs, 1 alert muted/);
    await waitFor('the end webhook', () => received.some((r) => r.event === 'maintenance.ended'));
    expect(received.map((r) => r.verified)).toEqual(['ok', 'ok']);
    // `maintenance end` after the planned end changes nothing: there is no window to end.
    await h.client.command('maintenance end drop', alice);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(topLevel(h, 'C0OPS', 'Maintenance of drop over')).toHaveLength(1);
  });
});
