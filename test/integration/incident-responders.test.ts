import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsConfigSchema } from '../../src/config/alerts.ts';
import { envSchema } from '../../src/config/env.ts';
import { ConfigError } from '../../src/config/load.ts';
import { startOpsbot } from '../../src/roles/start.ts';
import {
  ALERT_ENV,
  alertsFile,
  buttons,
  parentFor,
  sendWebhook,
  threadOf,
  webhookBody,
} from '../helpers/alerts.ts';
import {
  exampleConfig,
  type Harness,
  messageText,
  startHarness,
  USERS,
  waitFor,
} from '../helpers/harness.ts';

/** Issue 16, finding 6: incident buttons need authority, and Escalate pages once per window. */
describe('incident responders', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ file: alertsFile(), env: ALERT_ENV, alerts: { postIntervalMs: 50 } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const ephemeralTo = (who: string, needle: string) =>
    h.slack.state.messages.filter((m) => m.visibleTo === who && m.text.includes(needle));

  it('finding 6: someone outside alerts.responders cannot acknowledge, resolve or escalate; the refusal names the groups and nothing changes', async () => {
    await sendWebhook(h, webhookBody('responders'));
    const parent = await waitFor('the parent', () => parentFor(h, 'Check responders failing'));
    const where = { channel: 'C0OPS', ts: parent.ts };
    const before = messageText(parent);
    const [incident] = (await h.bot.alerts.store.listOpen()).filter(
      (i) => i.key === 'webhook:uptime:responders',
    );
    expect(incident).toBeDefined();

    for (const label of ['Acknowledge', 'Escalate', 'Resolve']) {
      const button = buttons(parent).get(label)!;
      expect(
        (await h.client.clickButton(button.action_id, button.value, USERS.mallory, where)).status,
      ).toBe(200);
    }
    await waitFor('three refusals to mallory', () =>
      ephemeralTo(USERS.mallory.id, 'Only members of oncall or operators').length === 3
        ? true
        : undefined,
    );
    for (const verb of ['acknowledge', 'resolve', 'escalate'])
      expect(ephemeralTo(USERS.mallory.id, `may ${verb} incidents. Nothing changed.`)).toHaveLength(
        1,
      );

    const after = (await h.bot.alerts.store.get(incident!.id))!;
    expect(after.status).toBe('open');
    expect(after.ackedBy).toBeUndefined();
    expect(after.escalatedBy).toBeUndefined();
    expect(threadOf(h, parent.ts).some((m) => m.text.includes('escalated'))).toBe(false);
    expect(messageText(parent)).toBe(before);

    // A member of the on-call user group (not an operator) may act.
    const ack = buttons(parent).get('Acknowledge')!;
    await h.client.clickButton(ack.action_id, ack.value, USERS.josh, where);
    await waitFor('the acknowledgement by josh', () =>
      messageText(parent).includes('Acknowledged by <@U0JOSH>'),
    );
  });

  it('finding 6: a second Escalate within the window pages nobody and says who escalated and when', async () => {
    await sendWebhook(h, webhookBody('escalate-once'));
    const parent = await waitFor('the parent', () => parentFor(h, 'Check escalate-once failing'));
    const where = { channel: 'C0OPS', ts: parent.ts };
    const escalate = buttons(parent).get('Escalate')!;
    await h.client.clickButton(escalate.action_id, escalate.value, USERS.alice, where);
    await waitFor('the page', () =>
      threadOf(h, parent.ts).find((m) => m.text.includes('<!subteam^S0ONCALL>')),
    );
    await Promise.all([
      h.client.clickButton(escalate.action_id, escalate.value, USERS.bob, where),
      h.client.clickButton(escalate.action_id, escalate.value, USERS.bob, where),
      h.client.clickButton(escalate.action_id, escalate.value, USERS.alice, where),
    ]);
    await waitFor('three "already escalated" replies', () =>
      ephemeralTo(USERS.bob.id, 'Already escalated by <@U0ALICE>').length +
        ephemeralTo(USERS.alice.id, 'Already escalated by <@U0ALICE>').length ===
      3
        ? true
        : undefined,
    );
    const [reply] = ephemeralTo(USERS.bob.id, 'Already escalated by <@U0ALICE>');
    expect(reply!.text).toMatch(/at <!date\^\d+\^/);
    expect(reply!.text).toContain('nobody was paged again');
    // Give any stray page time to land before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      threadOf(h, parent.ts).filter((m) => m.text.includes('<!subteam^S0ONCALL>')),
    ).toHaveLength(1);
  });
});

describe('incident responders in configuration', () => {
  const env = envSchema.parse({
    SLACK_BOT_TOKEN: 'xoxb-1-2',
    SLACK_SIGNING_SECRET: 'abcdefghijk',
    REDIS_URL: 'redis://127.0.0.1:1',
  });

  it('finding 6: the start fails when a responder group is not defined, default or configured', async () => {
    const example = exampleConfig();
    const { oncall: _dropped, ...groups } = example.groups;
    const byDefault = startOpsbot({ config: { env, file: { ...example, groups } }, role: 'web' });
    await expect(byDefault).rejects.toBeInstanceOf(ConfigError);
    await expect(byDefault).rejects.toThrow(
      /alerts\.responders: group "oncall" is not defined under groups:/,
    );

    const file = {
      ...example,
      alerts: alertsConfigSchema.parse({ oncall_group: 'oncall', responders: ['sre'] }),
    };
    const configured = startOpsbot({ config: { env, file }, role: 'web' });
    await expect(configured).rejects.toThrow(/alerts\.responders: group "sre" is not defined/);
  });

  it('finding 6: the escalate window is configurable and defaults to 15 minutes', () => {
    expect(alertsConfigSchema.parse({}).escalate_window_minutes).toBe(15);
    expect(alertsConfigSchema.parse({}).responders).toEqual(['oncall', 'operators']);
    expect(alertsConfigSchema.parse({ escalate_window_minutes: 5 }).escalate_window_minutes).toBe(
      5,
    );
  });
});
