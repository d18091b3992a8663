import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_ENV, alertsFile, parentFor, sendAlertmanager } from '../helpers/alerts.ts';
import { type Harness, messageText, startHarness, waitFor } from '../helpers/harness.ts';

/**
 * Alertmanager cuts a notification to `max_alerts` entries and says how many it left out in
 * `truncatedAlerts`. Opsbot shows that on the incidents the notification did carry, and opens
 * nothing for alerts it never received.
 */

const notification = (truncatedAlerts: number) =>
  JSON.stringify({
    version: '4',
    groupKey: '{}:{alertname="TruncatedDiskFull"}',
    truncatedAlerts,
    status: 'firing',
    receiver: 'opsbot',
    groupLabels: { alertname: 'TruncatedDiskFull' },
    commonLabels: { alertname: 'TruncatedDiskFull', severity: 'warning' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.com',
    alerts: ['host-1', 'host-2'].map((instance, i) => ({
      status: 'firing',
      labels: { alertname: 'TruncatedDiskFull', instance, severity: 'warning' },
      annotations: { summary: `Disk full on ${instance}` },
      startsAt: '2026-01-05T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example.com/graph',
      fingerprint: `truncated0000${i}`,
    })),
  });

describe('Alertmanager truncatedAlerts', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ file: alertsFile(), env: ALERT_ENV, alerts: { postIntervalMs: 20 } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const parents = () =>
    h.slack.state
      .channelMessages('C0OPS')
      .filter((m) => !m.thread_ts && m.text.includes('TruncatedDiskFull'));

  it('says on each incident of the notification how many alerts Alertmanager left out', async () => {
    expect((await sendAlertmanager(h, notification(3))).status).toBe(202);
    await waitFor('both parents, each saying 3 were left out', () => {
      const found = parents();
      return found.length === 2 &&
        found.every((m) => /left 3 alerts of this group out/.test(messageText(m)))
        ? found
        : undefined;
    });
    // Only the alerts received are incidents.
    const open = (await h.bot.alerts.store.listOpen()).filter(
      (i) => i.alert.title === 'TruncatedDiskFull',
    );
    expect(open.map((i) => i.key).sort()).toEqual([
      'alertmanager:truncated00000',
      'alertmanager:truncated00001',
    ]);

    // The group grew: the same firings come again (not counted again), with more left out.
    await sendAlertmanager(h, notification(7));
    await waitFor('the parents updated to 7', () =>
      parents().every((m) => /left 7 alerts of this group out/.test(messageText(m))),
    );
    expect(messageText(parentFor(h, 'TruncatedDiskFull')!)).toContain('*Firing count*\\n1');

    // Nothing left out any more: the note goes.
    await sendAlertmanager(h, notification(0));
    await waitFor('the note gone', () =>
      parents().every((m) => !/left \d+ alerts? of this group out/.test(messageText(m))),
    );
    expect(parents()).toHaveLength(2);
  });
});
