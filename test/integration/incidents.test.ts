import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.ts';
import {
  ALERT_ENV,
  alertsFile,
  buttons,
  parentFor,
  parentsIn,
  sendAlertmanager,
  sendWebhook,
  threadOf,
  waitForParentStored,
  webhookBody,
} from '../helpers/alerts.ts';
import { type Harness, messageText, startHarness, USERS, waitFor } from '../helpers/harness.ts';

/** Every mrkdwn text of a message's section blocks. */
const sectionTexts = (m: { blocks?: unknown[] }) =>
  (m.blocks as { type: string; text?: { text: string } }[]).flatMap((b) =>
    b.type === 'section' && b.text ? [b.text.text] : [],
  );

/** How Slack writes a date that each reader sees in their own time zone, UTC as the fallback. */
const slackDate = (ms: number) =>
  `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC>`;

describe('incidents from alerts', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ file: alertsFile(), env: ALERT_ENV, alerts: { postIntervalMs: 50 } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('opens one parent, counts repeats on it, summarises them in the thread, resolves and reopens the same thread', async () => {
    expect((await sendWebhook(h, webhookBody('lifecycle'))).status).toBe(202);
    const parent = await waitFor('the parent', () => parentFor(h, 'Check lifecycle failing'));
    const first = messageText(parent);
    for (const part of [
      'Check lifecycle failing',
      'uptime',
      'ok → firing',
      '*Firing count*\\n1',
      'First seen',
      'Last seen',
      'region',
      'Status page',
      'Acknowledge',
      'Resolve',
      'Escalate',
      'Ping opsbot',
    ])
      expect(first).toContain(part);

    await Promise.all(Array.from({ length: 4 }, () => sendWebhook(h, webhookBody('lifecycle'))));
    await waitFor('the count on the parent', () =>
      messageText(parent).includes('*Firing count*\\n5'),
    );
    const summary = await waitFor('a repeat summary in the thread', () =>
      threadOf(h, parent.ts).find((m) => m.text.includes('Fired 4 more times')),
    );
    expect(summary.text).toContain('total 5');

    await sendWebhook(h, webhookBody('lifecycle', 'resolved'));
    await waitFor('the parent resolved', () => parent.text.includes('Resolved'));
    expect(messageText(parent)).toMatch(/Resolved after/);
    expect(buttons(parent).has('Acknowledge')).toBe(false);
    await waitFor('the recovery reply', () =>
      threadOf(h, parent.ts).some((m) => m.text.includes('the source reported recovery')),
    );

    await sendWebhook(h, webhookBody('lifecycle'));
    await waitFor('the reopened reply', () =>
      threadOf(h, parent.ts).some((m) => m.text.includes('Reopened')),
    );
    await waitFor(
      'the parent open again',
      () => messageText(parent).includes('*Firing count*\\n6') && !parent.text.includes('Resolved'),
    );
    expect(parentsIn(h).filter((m) => m.text.includes('Check lifecycle failing'))).toHaveLength(1);
    const [open] = (await h.bot.alerts.store.listOpen()).filter(
      (i) => i.key === 'webhook:uptime:lifecycle',
    );
    expect(open).toMatchObject({ count: 6, reopened: 1, ts: parent.ts });
  });

  it('acknowledge, escalate and resolve through signed block_actions', async () => {
    await sendWebhook(h, webhookBody('buttons'));
    const parent = await waitFor('the parent', () => parentFor(h, 'Check buttons failing'));
    const where = { channel: 'C0OPS', ts: parent.ts };

    const ack = buttons(parent).get('Acknowledge')!;
    expect((await h.client.clickButton(ack.action_id, ack.value, USERS.alice, where)).status).toBe(
      200,
    );
    await waitFor('the acknowledgement on the parent', () =>
      messageText(parent).includes('Acknowledged by <@U0ALICE>'),
    );
    expect(buttons(parent).has('Acknowledge')).toBe(false);

    const escalate = buttons(parent).get('Escalate')!;
    await h.client.clickButton(escalate.action_id, escalate.value, USERS.alice, where);
    const paged = await waitFor('the escalation reply', () =>
      threadOf(h, parent.ts).find((m) => m.text.includes('escalated')),
    );
    expect(paged.text).toContain('<!subteam^S0ONCALL>');

    const resolve = buttons(parent).get('Resolve')!;
    await h.client.clickButton(resolve.action_id, resolve.value, USERS.bob, where);
    await waitFor('the parent resolved by bob', () => messageText(parent).includes('by <@U0BOB>'));
    await waitFor('the resolve reply', () =>
      threadOf(h, parent.ts).some((m) => m.text.includes('Resolved by <@U0BOB>')),
    );
    expect(
      (await h.bot.alerts.store.listOpen()).some((i) => i.key === 'webhook:uptime:buttons'),
    ).toBe(false);

    // A forged incident id changes nothing and tells the clicker why. (The clicker is a
    // responder: since finding 6 of issue 16 anyone else is refused before the id is looked up,
    // see incident-responders.test.ts.)
    await h.client.clickButton(ACTION.incidentResolve, 'inc_000000000000', USERS.jane, where);
    await waitFor('the refusal', () =>
      h.slack.state.messages.some(
        (m) => m.visibleTo === USERS.jane.id && m.text.includes('does not know this incident'),
      ),
    );
  });

  it('a runbook button starts the normal request flow in the incident thread; an unknown command is refused', async () => {
    await sendWebhook(h, webhookBody('runbook'));
    const parent = await waitFor('the parent', () => parentFor(h, 'Check runbook failing'));
    await waitForParentStored(h, parent);
    const ping = buttons(parent).get('Ping opsbot')!;
    expect(ping.value).toMatch(/^inc_[0-9a-f]{12}\|uptime-checks\|0$/);
    await h.client.clickButton(ping.action_id, ping.value, USERS.alice, {
      channel: 'C0OPS',
      ts: parent.ts,
    });
    const run = await waitFor('the run message in the incident thread', () =>
      threadOf(h, parent.ts).find((m) => m.text.toLowerCase().includes('ping')),
    );
    expect(run.thread_ts).toBe(parent.ts);
    await waitFor('the run result', () =>
      threadOf(h, parent.ts).some((m) => m.text.includes('ping done')),
    );

    const unknown = buttons(parent).get('Drain queue')!;
    await h.client.clickButton(unknown.action_id, unknown.value, USERS.alice, {
      channel: 'C0OPS',
      ts: parent.ts,
    });
    await waitFor('the refusal', () =>
      h.slack.state.messages.some(
        (m) => m.visibleTo === USERS.alice.id && m.text.includes('`drain-queue` is not available'),
      ),
    );
    // A value naming a mapping that does not exist is refused without running anything.
    const jobs = await h.jobCount();
    await h.client.clickButton(
      ping.action_id,
      ping.value.replace('uptime-checks', 'made-up'),
      USERS.alice,
      { channel: 'C0OPS', ts: parent.ts },
    );
    await waitFor('the refusal', () =>
      h.slack.state.messages.some(
        (m) => m.visibleTo === USERS.alice.id && m.text.includes('no longer configured'),
      ),
    );
    expect(await h.jobCount()).toBe(jobs);
  });

  it('Alertmanager (Grafana superset): bearer token, one incident per fingerprint', async () => {
    const body = readFileSync('test/fixtures/grafana-webhook-two-alerts.json', 'utf8');
    expect((await sendAlertmanager(h, body, 'wrong-token-0123456789-abcdef')).status).toBe(401);
    expect((await sendAlertmanager(h, body)).status).toBe(202);
    const memory = await waitFor('the memory incident', () => parentFor(h, 'High memory usage'));
    const cpu = await waitFor('the cpu incident', () => parentFor(h, 'High CPU usage'));
    expect(messageText(memory)).toContain('https://myrunbook.com/runbook/1234');
    expect(messageText(memory)).toContain('`zone`=us-1');
    expect(messageText(cpu)).toContain('`zone`=eu-1');
    expect(messageText(memory)).toContain('This alert was triggered for zone us-1');
  });

  it('critical incidents get a channel of their own, with the on-call group invited and links both ways', async () => {
    await sendWebhook(h, webhookBody('critical', 'firing', { severity: 'critical' }));
    const parent = await waitFor('the parent', () => parentFor(h, 'Check critical failing'));
    const created = await waitFor('the incident channel with the on-call group invited', () =>
      [...h.slack.state.channels.values()].find(
        (c) => c.name.includes('check-critical-failing') && c.members.size > 0,
      ),
    );
    expect([...created.members]).toEqual([USERS.josh.id]);
    await waitFor('the link in the new channel', () =>
      h.slack.state
        .channelMessages(created.id)
        .some((m) => m.text.includes(parent.ts.replace('.', ''))),
    );
    await waitFor('the link in the thread', () =>
      threadOf(h, parent.ts).some((m) => m.text.includes(`<#${created.id}>`)),
    );
    await waitFor('the channel on the parent', () =>
      messageText(parent).includes(`Channel: <#${created.id}>`),
    );
  });

  it('/ops incidents lists the open incidents with real links, dates and mentions', async () => {
    await sendWebhook(h, webhookBody('listed'));
    await sendWebhook(h, webhookBody('escaped', 'firing', { summary: 'Check <!here> & co' }));
    const parent = await waitFor('the parent', () => parentFor(h, 'Check listed failing'));
    const other = await waitFor('the other parent', () => parentFor(h, 'Check &lt;!here&gt;'));
    // The list links each incident by its stored parent ts, stored just after the parent is posted.
    await waitForParentStored(h, other);
    const ack = buttons(parent).get('Acknowledge')!;
    await h.client.clickButton(ack.action_id, ack.value, USERS.alice, {
      channel: 'C0OPS',
      ts: parent.ts,
    });
    await waitFor('the acknowledgement', () =>
      messageText(parent).includes('Acknowledged by <@U0ALICE>'),
    );
    const open = await h.bot.alerts.store.listOpen();
    const firstSeen = (key: string) =>
      open.find((i) => i.key === `webhook:uptime:${key}`)!.firstSeen;
    await h.client.command('incidents', USERS.alice);
    const reply = await waitFor('the incident list', () =>
      h.slack.state.messages.find((m) => m.thread_ts && m.text.includes('open incident')),
    );
    const lines = sectionTexts(reply).join('\n').split('\n');
    expect(lines[0]).toBe(`*${open.length} open incidents*`);
    expect(lines).toContain(
      `:large_yellow_circle: <https://slack.com/archives/C0OPS/p${parent.ts.replace('.', '')}|Check listed failing>` +
        ` — uptime, 1 firing since ${slackDate(firstSeen('listed'))}, acknowledged by <@U0ALICE>`,
    );
    expect(lines).toContain(
      `:large_yellow_circle: <https://slack.com/archives/C0OPS/p${other.ts.replace('.', '')}|Check &lt;!here&gt; &amp; co>` +
        ` — uptime, 1 firing since ${slackDate(firstSeen('escaped'))}`,
    );
    expect(messageText(reply)).not.toContain('Check buttons failing');
  });

  it('refuses bad bodies with 400/401/413 and creates nothing', async () => {
    const before = parentsIn(h).length;
    const open = (await h.bot.alerts.store.listOpen()).length;
    const notJson = await sendWebhook(h, '{"source":');
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).reason).toMatch(/not JSON/);
    const missing = await sendWebhook(
      h,
      JSON.stringify({ source: 'uptime', key: 'x', status: 'firing' }),
    );
    expect(missing.status).toBe(400);
    expect((await missing.json()).reason).toMatch(/summary/);
    const badStatus = await sendWebhook(h, webhookBody('x', 'exploded' as 'firing'));
    expect((await badStatus.json()).reason).toMatch(/status/);
    const forged = await sendWebhook(h, webhookBody('forged'), {
      'x-opsbot-request-timestamp': String(Math.floor(Date.now() / 1000)),
      'x-opsbot-signature': `v0=${'0'.repeat(64)}`,
    });
    expect(forged.status).toBe(401);
    const body = webhookBody('replayed');
    const { signWebhook } = await import('../../src/alerts/webhook.ts');
    const stale = await sendWebhook(
      h,
      body,
      signWebhook(ALERT_ENV.OPSBOT_WEBHOOK_SECRET, body, Math.floor(Date.now() / 1000) - 600),
    );
    expect(stale.status).toBe(401);
    expect((await stale.json()).reason).toMatch(/5 minutes/);
    const huge = await sendWebhook(
      h,
      webhookBody('huge', 'firing', { summary: 'x'.repeat(300 * 1024) }),
    );
    expect(huge.status).toBe(413);
    const noAlerts = await sendAlertmanager(h, JSON.stringify({ version: '4', alerts: [] }));
    expect(noAlerts.status).toBe(400);
    expect((await noAlerts.json()).reason).toMatch(/alerts/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(parentsIn(h).length).toBe(before);
    expect((await h.bot.alerts.store.listOpen()).length).toBe(open);
  });
});
