import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_ENV, alertsFile, parentFor, sendWebhook, webhookBody } from '../helpers/alerts.ts';
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
});
