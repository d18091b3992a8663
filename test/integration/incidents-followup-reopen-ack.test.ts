import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERT_ENV,
  alertsFile,
  buttons,
  parentFor,
  sendWebhook,
  threadOf,
  webhookBody,
} from '../helpers/alerts.ts';
import { type Harness, messageText, startHarness, USERS, waitFor } from '../helpers/harness.ts';

/**
 * A resolved incident that fires again within the reopen window reopens the same thread. The
 * refiring is a new problem: the earlier acknowledgement no longer stands, so the parent offers
 * Acknowledge again, and the thread says whose acknowledgement was cleared.
 */
describe('a reopened incident needs acknowledging again', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ file: alertsFile(), env: ALERT_ENV, alerts: { postIntervalMs: 20 } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('clears the acknowledgement on reopen and shows the Acknowledge button again', async () => {
    expect((await sendWebhook(h, webhookBody('reack'))).status).toBe(202);
    const parent = await waitFor('the parent', () => parentFor(h, 'Check reack failing'));
    const where = { channel: 'C0OPS', ts: parent.ts };
    const ack = buttons(parent).get('Acknowledge')!;
    await h.client.clickButton(ack.action_id, ack.value, USERS.alice, where);
    await waitFor('the acknowledgement on the parent', () =>
      messageText(parent).includes('Acknowledged by <@U0ALICE>'),
    );
    expect(buttons(parent).has('Acknowledge')).toBe(false);

    await sendWebhook(h, webhookBody('reack', 'resolved'));
    await waitFor('the parent resolved', () => parent.text.includes('Resolved'));

    await sendWebhook(h, webhookBody('reack'));
    const reopened = await waitFor('the reopened reply', () =>
      threadOf(h, parent.ts).find((m) => m.text.includes('Reopened')),
    );
    await waitFor(
      'the parent open again',
      () => messageText(parent).includes('*Firing count*\\n2') && !parent.text.includes('Resolved'),
    );
    expect(buttons(parent).has('Acknowledge')).toBe(true);
    expect(messageText(parent)).not.toContain('Acknowledged by');
    expect(messageText(parent)).toContain('Reopened 1×');
    // The history stays in the thread: whose acknowledgement the refiring cleared.
    expect(reopened.text).toContain('<@U0ALICE>');
    expect(reopened.text).toMatch(/acknowledge/i);

    const [incident] = (await h.bot.alerts.store.listOpen()).filter(
      (i) => i.key === 'webhook:uptime:reack',
    );
    expect(incident).toMatchObject({ status: 'open', reopened: 1, count: 2 });
    expect(incident!.ackedBy).toBeUndefined();
    expect(incident!.ackedAt).toBeUndefined();

    // It can be acknowledged again, by someone else.
    const again = buttons(parent).get('Acknowledge')!;
    await h.client.clickButton(again.action_id, again.value, USERS.bob, where);
    await waitFor('the new acknowledgement on the parent', () =>
      messageText(parent).includes('Acknowledged by <@U0BOB>'),
    );
    expect(buttons(parent).has('Acknowledge')).toBe(false);
  });

  it('a reopen of an incident nobody acknowledged says nothing about acknowledgements', async () => {
    await sendWebhook(h, webhookBody('reopen-plain'));
    const parent = await waitFor('the parent', () => parentFor(h, 'Check reopen-plain failing'));
    await sendWebhook(h, webhookBody('reopen-plain', 'resolved'));
    await waitFor('the parent resolved', () => parent.text.includes('Resolved'));
    await sendWebhook(h, webhookBody('reopen-plain'));
    const reopened = await waitFor('the reopened reply', () =>
      threadOf(h, parent.ts).find((m) => m.text.includes('Reopened')),
    );
    expect(reopened.text).not.toMatch(/acknowledg/i);
    await waitFor('the parent open again', () => !parent.text.includes('Resolved'));
    expect(buttons(parent).has('Acknowledge')).toBe(true);
  });
});
