import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERT_ENV,
  alertsFile,
  buttons,
  parentFor,
  sendWebhook,
  webhookBody,
} from '../helpers/alerts.ts';
import { type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';

/**
 * The outbox posts an incident's parent, then stores its ts on the incident. A runbook button
 * clicked in between used to start its request with no thread: the run landed in the channel's
 * top level instead of the incident thread. The click says which message it was on; that is
 * the thread until the stored ts arrives.
 */
describe('a runbook button clicked before the incident stored its parent', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      file: alertsFile({ channels: { by_source: { uptime: 'C0INCIDENTS' }, by_severity: {} } }),
      env: ALERT_ENV,
      alerts: { postIntervalMs: 50 },
    });
    // The parent's ts never reaches the incident: every click lands in the window between the
    // parent's post and the store write. (Holding the write instead would hold the channel's
    // outbox lane too, and with it the run's own posts.)
    h.bot.alerts.store.setParent = async () => 1;
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('runs in the thread of the message clicked', async () => {
    expect((await sendWebhook(h, webhookBody('early'))).status).toBe(202);
    const parent = await waitFor('the parent in #incidents', () =>
      parentFor(h, 'Check early failing', 'C0INCIDENTS'),
    );
    const ping = buttons(parent).get('Ping opsbot')!;
    await h.client.clickButton(ping.action_id, ping.value, USERS.alice, {
      channel: 'C0INCIDENTS',
      ts: parent.ts,
    });
    const result = await waitFor('the run result, wherever it is', () =>
      h.slack.state.messages.find((m) => m.text.includes('ping done')),
    );
    expect(result.channel).toBe('C0INCIDENTS');
    expect(result.thread_ts).toBe(parent.ts);
  });
});
