import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERT_ENV,
  alertsFile,
  channelCreateCalls,
  incidentChannelsOf,
  openIncidentOf,
  parentFor,
  sendWebhook,
  threadOf,
  webhookBody,
} from '../helpers/alerts.ts';
import { type Harness, startHarness, waitFor } from '../helpers/harness.ts';

/**
 * An incident's own channel whose opener died (kill -9, OOM) after taking the claim: a worker start
 * (`resume`) takes a claim older than any opener can be working over, once however many workers
 * start, and opens the channel; a fresh claim (a live opener elsewhere) and a given-up opening are
 * left alone.
 */
describe('incident channel after a restart', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ file: alertsFile(), env: ALERT_ENV, alerts: { postIntervalMs: 50 } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const hashOf = (id: string) => `${h.prefix}:incident:${id}`;

  /**
   * A critical incident whose parent is posted and whose opener stopped after `fields` (the claim,
   * a give-up mark): fired as a warning (no channel wanted, so no opener runs), then made critical.
   */
  async function openerStopped(key: string, fields: Record<string, string | number>) {
    await sendWebhook(h, webhookBody(key));
    const parent = await waitFor('the parent', () => parentFor(h, `Check ${key} failing`));
    const incident = await waitFor('the parent recorded', async () =>
      (await openIncidentOf(h, key))?.ts ? openIncidentOf(h, key) : undefined,
    );
    const alert = { ...incident.alert, severity: 'critical' };
    await h.redis.hset(hashOf(incident.id), { alert: JSON.stringify(alert), ...fields });
    return { parent, id: incident.id };
  }

  /** Waits for the channel to be recorded and linked from the thread; returns its id. */
  async function linked(key: string, parentTs: string) {
    const incident = await waitFor('the channel recorded on the incident', async () =>
      (await openIncidentOf(h, key))?.incidentChannel ? openIncidentOf(h, key) : undefined,
    );
    const channel = incident.incidentChannel!;
    await waitFor('the link in the thread', () =>
      threadOf(h, parentTs).some((m) => m.text.includes(`<#${channel}>`)),
    );
    return channel;
  }

  const longAgo = () => Date.now() - 7 * 60_000;

  it('a claim taken long ago with no channel: resume takes it over and opens the channel once', async () => {
    const { parent, id } = await openerStopped('dead-opener', {
      incident_channel_claim: longAgo(),
    });
    const before = Date.now();
    await h.bot.alerts.service.resume();
    const channel = await linked('dead-opener', parent.ts);
    expect(incidentChannelsOf(h, 'dead-opener').map((c) => c.id)).toEqual([channel]);
    expect(channelCreateCalls(h, 'dead-opener')).toHaveLength(1);
    // The claim is the take-over's time now: a later restart leaves it to this opener.
    expect(Number(await h.redis.hget(hashOf(id), 'incident_channel_claim'))).toBeGreaterThanOrEqual(
      before,
    );
  });

  it('a claim of `1` (taken before claims were times) counts as old', async () => {
    const { parent } = await openerStopped('old-claim', { incident_channel_claim: 1 });
    await h.bot.alerts.service.resume();
    const channel = await linked('old-claim', parent.ts);
    expect(incidentChannelsOf(h, 'old-claim').map((c) => c.id)).toEqual([channel]);
  });

  it('a fresh claim (a live opener elsewhere) and a given-up opening are left alone', async () => {
    const live = await openerStopped('live-opener', { incident_channel_claim: Date.now() });
    const gaveUp = await openerStopped('gave-up', {
      incident_channel_claim: longAgo(),
      incident_channel_given_up_at: longAgo(),
    });
    // One that resume does open, in the same pass: once it is linked, the others had their turn.
    const dead = await openerStopped('beside-them', { incident_channel_claim: longAgo() });
    await h.bot.alerts.service.resume();
    await linked('beside-them', dead.parent.ts);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const key of ['live-opener', 'gave-up']) {
      expect(channelCreateCalls(h, key)).toEqual([]);
      expect((await openIncidentOf(h, key))?.incidentChannel).toBeUndefined();
    }
    expect(await h.redis.hget(hashOf(live.id), 'incident_channel_claim')).not.toBeNull();
    expect(await h.redis.hget(hashOf(gaveUp.id), 'incident_channel_given_up_at')).not.toBeNull();
  });

  it('workers starting together take a stale claim over once: one channel', async () => {
    const { parent } = await openerStopped('racing-workers', {
      incident_channel_claim: longAgo(),
    });
    await Promise.all([
      h.bot.alerts.service.resume(),
      h.bot.alerts.service.resume(),
      h.bot.alerts.service.resume(),
    ]);
    const channel = await linked('racing-workers', parent.ts);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(channelCreateCalls(h, 'racing-workers')).toHaveLength(1);
    expect(incidentChannelsOf(h, 'racing-workers').map((c) => c.id)).toEqual([channel]);
  });
});
