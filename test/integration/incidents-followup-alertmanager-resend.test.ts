import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_ENV, alertsFile, parentFor, sendAlertmanager, threadOf } from '../helpers/alerts.ts';
import { type Harness, messageText, startHarness, waitFor } from '../helpers/harness.ts';

/**
 * Alertmanager sends a group's whole notification again when the group changes (group_interval)
 * and every repeat_interval: each still-firing alert comes again with the same fingerprint and
 * startsAt. It also retries a notification answered with a 5xx. None of these is a new firing;
 * a new startsAt (the alert fired again after it resolved) is.
 */

interface Entry {
  fingerprint: string;
  name: string;
  status?: 'firing' | 'resolved';
  startsAt?: string;
  endsAt?: string;
}

const ZERO = '0001-01-01T00:00:00Z';

function group(entries: Entry[], extra: Record<string, unknown> = {}) {
  const alerts = entries.map((e) => ({
    status: e.status ?? 'firing',
    labels: { alertname: e.name, severity: 'warning' },
    annotations: { summary: `${e.name} summary` },
    ...(e.startsAt === undefined ? {} : { startsAt: e.startsAt }),
    endsAt: e.endsAt ?? ZERO,
    generatorURL: 'http://prometheus.example.com/graph',
    fingerprint: e.fingerprint,
  }));
  return JSON.stringify({
    version: '4',
    groupKey: '{}:{alertname=~"Resend.*"}',
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: 'opsbot',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.com',
    alerts,
    ...extra,
  });
}

describe('Alertmanager re-sends and retries are not new firings', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ file: alertsFile(), env: ALERT_ENV, alerts: { postIntervalMs: 20 } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const incidentOf = async (key: string) =>
    (await h.bot.alerts.store.listOpen()).find((i) => i.key === key);
  const countOf = async (key: string) => (await incidentOf(key))?.count;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('counts each firing once however often its group is sent; a new startsAt after a resolve reopens', async () => {
    const a: Entry = {
      fingerprint: 'resend0000000a',
      name: 'ResendA',
      startsAt: '2026-01-05T10:00:00Z',
    };
    const b: Entry = {
      fingerprint: 'resend0000000b',
      name: 'ResendB',
      startsAt: '2026-01-05T10:00:30.5Z',
    };
    expect((await sendAlertmanager(h, group([a, b]))).status).toBe(202);
    const parentA = await waitFor('the A parent', () => parentFor(h, 'ResendA'));
    await waitFor('the B parent', () => parentFor(h, 'ResendB'));

    // repeat_interval re-sends, and a retry of the same notification.
    for (let i = 0; i < 3; i++) expect((await sendAlertmanager(h, group([a, b]))).status).toBe(202);
    // group_interval: the group grew; A and B come again with it.
    const c: Entry = {
      fingerprint: 'resend0000000c',
      name: 'ResendC',
      startsAt: '2026-01-05T10:03:00Z',
    };
    await sendAlertmanager(h, group([a, b, c]));
    await waitFor('the C parent', () => parentFor(h, 'ResendC'));
    await settle();
    expect(await countOf('alertmanager:resend0000000a')).toBe(1);
    expect(await countOf('alertmanager:resend0000000b')).toBe(1);
    expect(await countOf('alertmanager:resend0000000c')).toBe(1);
    expect(messageText(parentA)).toContain('*Firing count*\\n1');

    // A resolves; the resolved notification comes twice (a retry): one recovery.
    const resolvedA: Entry = { ...a, status: 'resolved', endsAt: '2026-01-05T10:10:00Z' };
    await sendAlertmanager(h, group([resolvedA, b, c]));
    await waitFor('the A parent resolved', () => parentA.text.includes('Resolved'));
    await sendAlertmanager(h, group([resolvedA, b, c]));
    // A late retry of A's old firing (same startsAt) is not a new firing: it does not reopen.
    await sendAlertmanager(h, group([a, b, c]));
    await settle();
    expect(parentA.text).toContain('Resolved');
    expect(await incidentOf('alertmanager:resend0000000a')).toBeUndefined();
    expect(await countOf('alertmanager:resend0000000b')).toBe(1);

    // A fires again: a new startsAt is a new firing, and reopens the same thread.
    await sendAlertmanager(h, group([{ ...a, startsAt: '2026-01-05T10:20:00Z' }, b, c]));
    await waitFor('the reopened note', () =>
      threadOf(h, parentA.ts).some((m) => m.text.includes('Reopened')),
    );
    expect(await incidentOf('alertmanager:resend0000000a')).toMatchObject({
      count: 2,
      reopened: 1,
    });
    expect(await countOf('alertmanager:resend0000000b')).toBe(1);
  });

  it('Grafana (same shape) is deduped the same way', async () => {
    const grafana = JSON.parse(
      readFileSync('test/fixtures/grafana-webhook-two-alerts.json', 'utf8'),
    );
    grafana.alerts[0].fingerprint = 'resendgrafana1';
    grafana.alerts[0].labels.alertname = 'ResendGrafanaMemory';
    grafana.alerts[1].fingerprint = 'resendgrafana2';
    grafana.alerts[1].labels.alertname = 'ResendGrafanaCpu';
    const body = JSON.stringify(grafana);
    for (let i = 0; i < 3; i++) expect((await sendAlertmanager(h, body)).status).toBe(202);
    await waitFor('the Grafana parent', () => parentFor(h, 'ResendGrafanaMemory'));
    await settle();
    expect(await countOf('grafana:resendgrafana1')).toBe(1);
    expect(await countOf('grafana:resendgrafana2')).toBe(1);
  });

  it('a firing still re-sent a day later stays one firing (its delivery marker is renewed)', async () => {
    const d: Entry = {
      fingerprint: 'resend0000000d',
      name: 'ResendD',
      startsAt: '2026-01-05T11:00:00Z',
    };
    await sendAlertmanager(h, group([d]));
    await waitFor('the D parent', () => parentFor(h, 'ResendD'));
    const markers: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await h.redis.scan(
        cursor,
        'MATCH',
        `${h.prefix}:alert-delivery:*`,
        'COUNT',
        500,
      );
      cursor = next;
      markers.push(...found);
    } while (cursor !== '0');
    expect(markers.length).toBeGreaterThan(0);
    // As if most of the marker's life had passed: the next re-send renews it.
    for (const marker of markers) await h.redis.expire(marker, 5);
    await sendAlertmanager(h, group([d]));
    await settle();
    expect(await countOf('alertmanager:resend0000000d')).toBe(1);
    const ttls = await Promise.all(markers.map((m) => h.redis.ttl(m)));
    // D's marker is back to its full life (the others, not re-sent, keep their few seconds).
    expect(Math.max(...ttls)).toBeGreaterThan(3600);
  });

  it('an entry without startsAt (not from Alertmanager) is still counted per delivery', async () => {
    const e: Entry = { fingerprint: 'resend0000000e', name: 'ResendE' };
    await sendAlertmanager(h, group([e]));
    await waitFor('the E parent', () => parentFor(h, 'ResendE'));
    await sendAlertmanager(h, group([e]));
    await waitFor('the second delivery counted', async () =>
      (await countOf('alertmanager:resend0000000e')) === 2 ? true : undefined,
    );
  });
});
