import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import {
  ALERT_ENV,
  alertsFile,
  parentFor,
  sendAlertmanager,
  sendWebhook,
  threadOf,
  webhookBody,
} from '../helpers/alerts.ts';
import { type Harness, startHarness, waitFor } from '../helpers/harness.ts';

/**
 * A resolve belongs to one firing: Alertmanager (and Grafana) send a resolved alert with the
 * `startsAt` of the firing it ends, and a newer firing of the same alert has a later `startsAt`.
 * A resolve for a firing that started before the one the incident holds (its own firing's resolve
 * was lost, or they arrive out of order) changes nothing; it is answered 202 like any delivery.
 */

const ZERO = '0001-01-01T00:00:00Z';

interface Entry {
  fingerprint: string;
  name: string;
  status: 'firing' | 'resolved';
  startsAt: string;
  endsAt?: string;
}

function group(entries: Entry[], extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    version: '4',
    groupKey: '{}:{alertname=~"Late.*"}',
    status: entries.some((e) => e.status === 'firing') ? 'firing' : 'resolved',
    receiver: 'opsbot',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.com',
    alerts: entries.map((e) => ({
      status: e.status,
      labels: { alertname: e.name, severity: 'warning' },
      annotations: { summary: `${e.name} summary` },
      startsAt: e.startsAt,
      endsAt: e.endsAt ?? ZERO,
      generatorURL: 'http://prometheus.example.com/graph',
      fingerprint: e.fingerprint,
    })),
    ...extra,
  });
}

const firing = (fingerprint: string, name: string, startsAt: string): Entry => ({
  fingerprint,
  name,
  status: 'firing',
  startsAt,
});
const resolved = (entry: Entry, endsAt: string): Entry => ({
  ...entry,
  status: 'resolved',
  endsAt,
});

describe('a late resolve of an older firing does not resolve a newer firing', () => {
  let h: Harness;
  const logLines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    h = await startHarness({
      file: alertsFile(),
      env: ALERT_ENV,
      alerts: { postIntervalMs: 20 },
      log: createLogger('warn', sink),
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const incidentOf = async (key: string) =>
    (await h.bot.alerts.store.listOpen()).find((i) => i.key === key);
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    await h.bot.alerts.outbox.idle();
  };
  const send = async (body: string) => expect((await sendAlertmanager(h, body)).status).toBe(202);

  it('Alertmanager: the first firing’s resolve, arriving after the second firing, changes nothing', async () => {
    const first = firing('late00000000a', 'LateA', '2026-03-01T10:00:00Z');
    await send(group([first]));
    const parent = await waitFor('the LateA parent', () => parentFor(h, 'LateA'));
    // It fired again (a new startsAt) while the first firing's resolve was held up.
    const second = firing('late00000000a', 'LateA', '2026-03-01T10:20:00Z');
    await send(group([second]));
    await waitFor('the second firing counted', async () =>
      (await incidentOf('alertmanager:late00000000a'))?.count === 2 ? true : undefined,
    );
    // The first firing's resolve comes now.
    await send(group([resolved(first, '2026-03-01T10:10:00Z')]));
    await settle();
    expect(await incidentOf('alertmanager:late00000000a')).toMatchObject({
      status: 'open',
      count: 2,
    });
    expect(parent.text).not.toContain('Resolved');
    // Ignored, not refused: the sender got its 202, and the log says what was ignored.
    const logged = logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.key === 'alertmanager:late00000000a');
    expect(logged).toMatchObject({
      msg: expect.stringMatching(/ignored a late recovery/),
      firing_started_at: '2026-03-01T10:00:00.000Z',
    });
    // The second firing's own resolve does resolve it.
    await send(group([resolved(second, '2026-03-01T10:30:00Z')]));
    await waitFor('the parent resolved', () => parent.text.includes('Resolved'));
    expect(await incidentOf('alertmanager:late00000000a')).toBeUndefined();
  });

  it('Alertmanager: after a reopen, a late resolve of the firing before it does not resolve it again', async () => {
    const first = firing('late00000000b', 'LateB', '2026-03-01T11:00:00Z');
    await send(group([first]));
    const parent = await waitFor('the LateB parent', () => parentFor(h, 'LateB'));
    // The firing of 11:05 was never received, only its resolve: a resolve of a firing newer than
    // the one the incident holds applies.
    const unseen = firing('late00000000b', 'LateB', '2026-03-01T11:05:00Z');
    await send(group([resolved(unseen, '2026-03-01T11:06:00Z')]));
    await waitFor('the parent resolved', () => parent.text.includes('Resolved'));
    // It fires again and reopens; then the first firing's resolve arrives late.
    const third = firing('late00000000b', 'LateB', '2026-03-01T11:10:00Z');
    await send(group([third]));
    await waitFor('the reopened note', () =>
      threadOf(h, parent.ts).some((m) => m.text.includes('Reopened')),
    );
    await send(group([resolved(first, '2026-03-01T11:02:00Z')]));
    await settle();
    expect(await incidentOf('alertmanager:late00000000b')).toMatchObject({
      status: 'open',
      reopened: 1,
    });
    expect(parent.text).not.toContain('Resolved');
  });

  it('Grafana: the same rule (its resolved alerts carry startsAt too)', async () => {
    const first = firing('lategrafana01', 'LateGrafana', '2026-03-01T12:00:00+01:00');
    await send(group([first], { orgId: 1 }));
    const parent = await waitFor('the LateGrafana parent', () => parentFor(h, 'LateGrafana'));
    const second = firing('lategrafana01', 'LateGrafana', '2026-03-01T12:20:00+01:00');
    await send(group([second], { orgId: 1 }));
    await waitFor('the second firing counted', async () =>
      (await incidentOf('grafana:lategrafana01'))?.count === 2 ? true : undefined,
    );
    await send(group([resolved(first, '2026-03-01T12:10:00+01:00')], { orgId: 1 }));
    await settle();
    expect(await incidentOf('grafana:lategrafana01')).toMatchObject({ status: 'open' });
    expect(parent.text).not.toContain('Resolved');
  });

  it('generic webhook (gives no start time): a resolve still resolves whatever fired before it', async () => {
    await sendWebhook(h, webhookBody('late-generic'));
    const parent = await waitFor('the parent', () => parentFor(h, 'Check late-generic failing'));
    await sendWebhook(h, webhookBody('late-generic'));
    await waitFor('the repeat counted', async () =>
      (await incidentOf('webhook:uptime:late-generic'))?.count === 2 ? true : undefined,
    );
    await sendWebhook(h, webhookBody('late-generic', 'resolved'));
    await waitFor('the parent resolved', () => parent.text.includes('Resolved'));
  });
});
