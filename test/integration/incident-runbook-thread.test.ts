import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERT_ENV,
  alertsFile,
  buttons,
  parentFor,
  parentsIn,
  sendWebhook,
  threadOf,
  waitForParentStored,
  webhookBody,
} from '../helpers/alerts.ts';
import { type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';

describe('a runbook button on an incident outside the ops channel', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      file: alertsFile({ channels: { by_source: { uptime: 'C0INCIDENTS' }, by_severity: {} } }),
      env: ALERT_ENV,
      alerts: { postIntervalMs: 50 },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('runs in the incident thread, in the incident channel, and posts nothing in the ops channel', async () => {
    expect((await sendWebhook(h, webhookBody('elsewhere'))).status).toBe(202);
    const parent = await waitFor('the parent in #incidents', () =>
      parentFor(h, 'Check elsewhere failing', 'C0INCIDENTS'),
    );
    await waitForParentStored(h, parent);
    const opsBefore = h.slack.state.channelMessages('C0OPS').length;
    const ping = buttons(parent).get('Ping opsbot')!;
    await h.client.clickButton(ping.action_id, ping.value, USERS.alice, {
      channel: 'C0INCIDENTS',
      ts: parent.ts,
    });
    const result = await waitFor('the run result in the incident thread', () =>
      threadOf(h, parent.ts, 'C0INCIDENTS').find((m) => m.text.includes('ping done')),
    );
    expect(result.thread_ts).toBe(parent.ts);
    const run = threadOf(h, parent.ts, 'C0INCIDENTS').find(
      (m) => m.text.toLowerCase().includes('ping') && m !== result,
    );
    expect(run?.thread_ts).toBe(parent.ts);
    expect(parentsIn(h, 'C0INCIDENTS')).toHaveLength(1);
    expect(h.slack.state.channelMessages('C0OPS')).toHaveLength(opsBefore);
    expect(await h.jobCount()).toBe(1);
  });
});
