import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_ENV, alertsFile, parentFor, sendWebhook, webhookBody } from '../helpers/alerts.ts';
import { type Harness, startHarness, waitFor } from '../helpers/harness.ts';

/**
 * The generic webhook's optional `started_at` (ISO 8601): when the firing began, sent on the firing
 * and on its recovery alike. A recovery whose `started_at` is before the one its incident holds is
 * late (it ends an older firing) and resolves nothing, as Alertmanager's `startsAt` does; it is
 * answered 202 and counted in `opsbot_alert_recoveries_superseded_total`.
 */

const SOURCE = 'uptime';

describe('generic webhook: started_at orders a recovery against the firing its incident holds', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ file: alertsFile(), env: ALERT_ENV, alerts: { postIntervalMs: 20 } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const incidentOf = async (key: string) =>
    (await h.bot.alerts.store.listOpen()).find((i) => i.key === `webhook:${SOURCE}:${key}`);
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    await h.bot.alerts.outbox.idle();
  };
  const send = async (
    key: string,
    status: 'firing' | 'resolved',
    startedAt: string | undefined,
    expected = 202,
  ) => {
    const body = webhookBody(key, status, startedAt === undefined ? {} : { started_at: startedAt });
    const response = await sendWebhook(h, body);
    expect(response.status).toBe(expected);
    return response;
  };
  const superseded = async () => {
    const text = await (await fetch(`${h.baseUrl}/metrics`)).text();
    const line = new RegExp(
      `^opsbot_alert_recoveries_superseded_total\\{source="${SOURCE}"\\} (\\d+)$`,
      'm',
    ).exec(text);
    return Number(line?.[1] ?? 0);
  };

  it('a late recovery of an older firing leaves the newer firing open, and is counted', async () => {
    const before = await superseded();
    await send('sa-older', 'firing', '2026-03-01T10:00:00Z');
    const parent = await waitFor('the parent', () => parentFor(h, 'Check sa-older failing'));
    // It fired again (a new started_at) while the first firing's recovery was held up.
    await send('sa-older', 'firing', '2026-03-01T10:20:00+00:00');
    await waitFor('the second firing counted', async () =>
      (await incidentOf('sa-older'))?.count === 2 ? true : undefined,
    );
    // The first firing's recovery arrives now: ignored, not refused.
    await send('sa-older', 'resolved', '2026-03-01T11:00:00+01:00');
    await settle();
    expect(await incidentOf('sa-older')).toMatchObject({ status: 'open', count: 2 });
    expect(parent.text).not.toContain('Resolved');
    expect(await superseded()).toBe(before + 1);
    // The newer firing's own recovery (the same started_at) resolves it.
    await send('sa-older', 'resolved', '2026-03-01T10:20:00Z');
    await waitFor('the parent resolved', () => parent.text.includes('Resolved'));
    expect(await incidentOf('sa-older')).toBeUndefined();
    expect(await superseded()).toBe(before + 1);
  });

  it('a recovery with a later started_at than the incident holds resolves it', async () => {
    await send('sa-later', 'firing', '2026-03-01T12:00:00Z');
    const parent = await waitFor('the parent', () => parentFor(h, 'Check sa-later failing'));
    // The firing of 12:05 was never received, only its recovery.
    await send('sa-later', 'resolved', '2026-03-01T12:05:00Z');
    await waitFor('the parent resolved', () => parent.text.includes('Resolved'));
    expect(await incidentOf('sa-later')).toBeUndefined();
  });

  it('a malformed started_at is a 400 naming the field, and changes nothing', async () => {
    await send('sa-bad', 'firing', '2026-03-01T13:00:00Z');
    const parent = await waitFor('the parent', () => parentFor(h, 'Check sa-bad failing'));
    for (const bad of ['yesterday', '2026-03-01', '2026-03-01T13:00:00', '2026-02-30T13:00:00Z']) {
      const response = await send('sa-bad', 'resolved', bad, 400);
      expect((await response.json()).reason).toMatch(/^started_at: /);
    }
    const notString = await sendWebhook(
      h,
      webhookBody('sa-bad', 'resolved', { started_at: 1772370000 }),
    );
    expect(notString.status).toBe(400);
    expect((await notString.json()).reason).toMatch(/^started_at: /);
    // A firing with a malformed started_at opens nothing either.
    await send('sa-bad-firing', 'firing', '13:00', 400);
    await settle();
    expect(await incidentOf('sa-bad')).toMatchObject({ status: 'open', count: 1 });
    expect(parent.text).not.toContain('Resolved');
    expect(parentFor(h, 'Check sa-bad-firing failing')).toBeUndefined();
    expect(await incidentOf('sa-bad-firing')).toBeUndefined();
  });
});
