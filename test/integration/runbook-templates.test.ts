import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsAdapters } from '../../src/aws/adapters.ts';
import {
  ALERT_ENV,
  alertsFile,
  buttons,
  parentFor,
  sendWebhook,
  waitForParentStored,
  webhookBody,
} from '../helpers/alerts.ts';
import { mockCognito, mockWaf } from '../helpers/containment-mocks.ts';
import { type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { memoryDeploys } from '../helpers/memory-deploys.ts';

/**
 * Runbook buttons whose command takes values from the alert (`{{labels.source_ip}}`): a value is
 * always one argument value and must pass the command's own argument schema, so an alert's label
 * cannot add an argument, a flag or a quote. Refused clicks queue nothing and make no request.
 */
describe('runbook templates from alert labels', () => {
  let h: Harness;
  const mocks = [mockWaf(), mockCognito({ 'us-east-1_AbCdEf123': { mallory: true } })];
  beforeAll(async () => {
    h = await startHarness({
      file: alertsFile({
        runbooks: [
          {
            name: 'suspicious-login',
            labels: { source: 'uptime' },
            buttons: [
              {
                label: 'Block IP',
                command: 'block-ip {{labels.source_ip}} target=edge reason=suspicious-login',
              },
              {
                label: 'Sign user out',
                command: 'signout-user {{labels.user}} pool=customers reason=suspicious-login',
              },
            ],
          },
        ],
      }),
      env: ALERT_ENV,
      aws: awsAdapters('us-east-1', { deploys: memoryDeploys() }),
      alerts: { postIntervalMs: 50 },
    });
  });
  afterAll(async () => {
    await h?.stop();
    for (const m of mocks) m.mock.restore();
  });

  let n = 0;
  /** Opens an incident carrying these labels and clicks one of its runbook buttons as alice. */
  async function click(label: string, labels: Record<string, string>) {
    const key = `login-${n++}`;
    expect((await sendWebhook(h, webhookBody(key, 'firing', { labels }))).status).toBe(202);
    const parent = await waitFor('the incident', () => parentFor(h, `Check ${key} failing`));
    await waitForParentStored(h, parent);
    const button = buttons(parent).get(label)!;
    const before = h.slack.state.messages.filter((m) => m.visibleTo === USERS.alice.id).length;
    await h.client.clickButton(button.action_id, button.value, USERS.alice, {
      channel: 'C0OPS',
      ts: parent.ts,
    });
    return { parent, before };
  }

  const requests = async () => (await h.redis.keys(`${h.prefix}:request:*`)).length;

  it.each([
    ['Block IP', { source_ip: '1.2.3.4 reason=x' }],
    ['Block IP', { source_ip: '--emergency' }],
    ['Block IP', { source_ip: '"1.2.3.4"' }],
    ['Block IP', { source_ip: "1.2.3.4' target=vpc" }],
    ['Sign user out', { user: 'mallory --emergency' }],
    ['Sign user out', { user: 'mallory" disable="true' }],
    ['Sign user out', { user: '--plan' }],
  ])('%s with %j is refused by the argument schema; nothing is queued', async (label, labels) => {
    const jobs = await h.jobCount();
    const asked = await requests();
    const { before } = await click(label, labels);
    const reply = await waitFor('the refusal', () =>
      h.slack.state.messages
        .filter((m) => m.visibleTo === USERS.alice.id)
        .slice(before)
        .find((m) => m.text.includes('Nothing was run')),
    );
    expect(reply.text).toMatch(/is not valid here: `(cidr|username)`/);
    expect(await h.jobCount()).toBe(jobs);
    expect(await requests()).toBe(asked);
  });

  it('a label the alert does not carry is named; nothing is queued', async () => {
    const jobs = await h.jobCount();
    const { before } = await click('Block IP', { user: 'mallory' });
    const reply = await waitFor('the refusal', () =>
      h.slack.state.messages
        .filter((m) => m.visibleTo === USERS.alice.id)
        .slice(before)
        .find((m) => m.text.includes('Nothing was run')),
    );
    expect(reply.text).toContain('the alert has no labels.source_ip');
    expect(await h.jobCount()).toBe(jobs);
  });

  it('a well-formed label becomes the argument: a request card for block-ip 203.0.113.7', async () => {
    const { parent } = await click('Block IP', { source_ip: '203.0.113.7' });
    const card = await waitFor('the request card in the incident thread', () =>
      h.slack.state
        .channelMessages('C0OPS', parent.ts)
        .find((m) => m.text.includes('Approval needed: block-ip')),
    );
    expect(JSON.stringify(card.blocks)).toContain('cidr=203.0.113.7 target=edge');
  });
});
