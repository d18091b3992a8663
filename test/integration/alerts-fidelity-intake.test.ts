import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/alerts/webhook.ts';
import {
  ALERT_ENV,
  ALERTMANAGER_TOKEN,
  alertsFile,
  freshTimestamp,
  parentFor,
  WEBHOOK_SECRET,
  webhookBody,
} from '../helpers/alerts.ts';
import { type Harness, messageText, startHarness, waitFor } from '../helpers/harness.ts';

/**
 * Fidelity of POST /alerts/alertmanager and /alerts/webhook against what Alertmanager, Grafana and
 * a signing sender do, over real HTTP.
 */

const amBody = (fingerprint: string, name: string) =>
  JSON.stringify({
    version: '4',
    groupKey: '{}:{alertname="x"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'opsbot',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.com',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: name },
        annotations: {},
        startsAt: '2026-01-05T10:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example.com/graph',
        fingerprint,
      },
    ],
  });

describe('alerts fidelity: Alertmanager and signed webhooks', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ file: alertsFile(), env: ALERT_ENV, alerts: { postIntervalMs: 20 } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('refuses a body that says it is not JSON with 415 naming the content type; nothing changes', async () => {
    const am = await fetch(`${h.baseUrl}/alerts/alertmanager`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${ALERTMANAGER_TOKEN}`,
      },
      body: amBody('fidct0001', 'FidelityFormEncoded'),
    });
    expect(am.status).toBe(415);
    expect((await am.json()).reason).toMatch(
      /application\/x-www-form-urlencoded.*application\/json/,
    );
    const body = webhookBody('fid-content-type');
    const webhook = await fetch(`${h.baseUrl}/alerts/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml',
        ...signWebhook(WEBHOOK_SECRET, body, freshTimestamp()),
      },
      body,
    });
    expect(webhook.status).toBe(415);
    expect((await webhook.json()).reason).toMatch(/text\/xml/);
    // JSON with parameters, or a +json type, is JSON.
    const charset = await fetch(`${h.baseUrl}/alerts/alertmanager`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${ALERTMANAGER_TOKEN}`,
      },
      body: amBody('fidct0002', 'FidelityCharset'),
    });
    expect(charset.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(parentFor(h, 'FidelityFormEncoded')).toBeUndefined();
    expect(parentFor(h, 'fid-content-type')).toBeUndefined();
    const titles = (await h.bot.alerts.store.listOpen()).map((i) => i.alert.title);
    expect(titles).not.toContain('FidelityFormEncoded');
    expect(titles.some((t) => t.includes('fid-content-type'))).toBe(false);
  });

  it("shows Grafana's evaluated values (values, or valueString from older Grafana) on the incident", async () => {
    const grafana = JSON.parse(
      readFileSync('test/fixtures/grafana-webhook-two-alerts.json', 'utf8'),
    );
    grafana.alerts[0].fingerprint = 'fidgrafana01';
    grafana.alerts[0].labels.alertname = 'FidelityGrafanaValues';
    // Grafana 9.x sent valueString instead of values.
    grafana.alerts[1].fingerprint = 'fidgrafana02';
    grafana.alerts[1].labels.alertname = 'FidelityGrafanaValueString';
    delete grafana.alerts[1].values;
    grafana.alerts[1].valueString = "[ var='B' labels={zone=eu-1} value=91.5 ]";
    const response = await fetch(`${h.baseUrl}/alerts/alertmanager`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${ALERTMANAGER_TOKEN}`,
      },
      body: JSON.stringify(grafana),
    });
    expect(response.status).toBe(202);
    const values = await waitFor('the values parent', () => parentFor(h, 'FidelityGrafanaValues'));
    expect(messageText(values)).toMatch(/\*Value B\*\\n44\.23943737541908/);
    expect(messageText(values)).toMatch(/\*Value C\*\\n1/);
    const valueString = await waitFor('the valueString parent', () =>
      parentFor(h, 'FidelityGrafanaValueString'),
    );
    expect(messageText(valueString)).toContain('value=91.5');
  });

  it('takes a Grafana contact point set to HTTP method PUT like a POST', async () => {
    const response = await fetch(`${h.baseUrl}/alerts/alertmanager`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${ALERTMANAGER_TOKEN}`,
      },
      body: amBody('fidput0001', 'FidelityGrafanaPut'),
    });
    expect(response.status).toBe(202);
    await waitFor('the PUT parent', () => parentFor(h, 'FidelityGrafanaPut'));
    // Still authenticated the same way.
    const unauthorized = await fetch(`${h.baseUrl}/alerts/alertmanager`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer wrong-token-0123456789',
      },
      body: amBody('fidput0002', 'FidelityGrafanaPutForged'),
    });
    expect(unauthorized.status).toBe(401);
  });
});
