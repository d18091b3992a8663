import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { messageProblems } from '../helpers/slack-fidelity-blocks.ts';

/**
 * Incident messages as Slack's Block Kit reference allows them, end to end: signed alerts in, the
 * bot's chat.postMessage / chat.update calls checked against the documented rules.
 */
describe('incident messages within Block Kit rules', () => {
  let h: Harness;

  beforeAll(async () => {
    // No runbook mappings: no incident offers a runbook button.
    h = await startHarness({
      file: alertsFile({ runbooks: [] }),
      env: ALERT_ENV,
      alerts: { postIntervalMs: 50 },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Every chat.postMessage / chat.update the bot sent, with the problems Slack would refuse. */
  const refusedCalls = () =>
    h.slack.state.calls
      .filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update')
      .map((c) => ({ error: c.error, problems: messageProblems(c.args) }))
      .filter((c) => c.error !== undefined || c.problems.length > 0);

  it('edits a resolved incident without runbook buttons (no empty actions block)', async () => {
    expect((await sendWebhook(h, webhookBody('quiet'))).status).toBe(202);
    const parent = await waitFor('the parent', () => parentFor(h, 'Check quiet failing'));
    await sendWebhook(h, webhookBody('quiet', 'resolved'));
    await waitFor('the parent resolved', () => parent.text.includes('Resolved'), 5000);
    expect(refusedCalls()).toEqual([]);
  });

  it('keeps thread notes about an alert with a very long name within 3,000 characters', async () => {
    const alertname = `DiskFull<${'x'.repeat(5000)}>`;
    const alertmanager = (status: 'firing' | 'resolved') =>
      JSON.stringify({
        version: '4',
        status,
        receiver: 'opsbot',
        groupKey: 'g',
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        externalURL: 'https://am.example.com',
        alerts: [
          {
            status,
            labels: { alertname, severity: 'warning' },
            annotations: {},
            startsAt: new Date().toISOString(),
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: 'https://prom.example.com/graph',
            fingerprint: 'f00dfeed00000001',
          },
        ],
      });
    expect((await sendAlertmanager(h, alertmanager('firing'))).status).toBeLessThan(300);
    const parent = await waitFor('the parent', () => parentFor(h, 'DiskFull'));
    await sendAlertmanager(h, alertmanager('resolved'));
    await waitFor('the parent resolved', () => parent.text.includes('Resolved'), 5000);
    await sendAlertmanager(h, alertmanager('firing'));
    await waitFor(
      'the reopened note',
      () =>
        threadOf(h, parent.ts).some((m) => m.text.includes('Reopened')) ||
        h.slack.state.calls.some(
          (c) => c.method === 'chat.postMessage' && String(c.args.text).includes('Reopened'),
        ),
      5000,
    );
    expect(refusedCalls()).toEqual([]);
  });
});
