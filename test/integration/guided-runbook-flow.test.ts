import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alertsConfigSchema } from '../../src/config/alerts.ts';
import { SandboxSecrets } from '../../src/dev/sandbox/secrets.ts';
import { SandboxServices } from '../../src/dev/sandbox/services.ts';
import type { Ports, RecordsPort } from '../../src/sdk/ports/index.ts';
import {
  ALERT_ENV,
  alertsFile,
  buttons,
  parentFor,
  sendWebhook,
  waitForParentStored,
  webhookBody,
} from '../helpers/alerts.ts';
import { submitView, waitForEphemeral } from '../helpers/approvals.ts';
import { clickStep, runbookFolder, waitForRunbookCard, withGuided } from '../helpers/guided.ts';
import {
  exampleConfig,
  type Harness,
  messageText,
  startHarness,
  USERS,
  waitFor,
} from '../helpers/harness.ts';
import { runbookPorts } from '../helpers/runbook-ports.ts';

const { alice, bob, josh } = USERS;

const ROTATE = `
name: rotate
title: Rotate with approval
source: test.txt §2
steps:
  - command: "rotate-secret jwt-secret"
  - manual: "Tell people"
`;
const PARAMS = `
name: restart-one
title: Restart one service
source: test.txt §3
params:
  service: { required: true }
  reason: { required: true }
steps:
  - manual: "Look first"
  - command: "restart {{params.service}}"
  - command: "note restarted: {{params.reason}}"
`;
const IDLE = `
name: idle
title: Nobody moves this
source: test.txt §4
steps:
  - manual: "Wait for someone"
  - command: "ping"
`;

function ports(): Ports {
  return {
    ...runbookPorts({} as RecordsPort),
    secrets: new SandboxSecrets({
      region: 'us-east-1',
      rotationMs: 100,
      secrets: [{ secretId: 'drop/jwt-secret', region: 'eu-west-1' }],
    }),
    services: new SandboxServices({ rolloutMs: 100 }),
  };
}

/** The example config with guided runbooks from the test folder and the example set. */
function guidedFile(section: Record<string, unknown> = {}) {
  const file = withGuided(exampleConfig(), { folders: [folder, 'runbooks'], ...section });
  file.targets.services.drop!.poll_interval_ms = 50;
  return file;
}

const folder = runbookFolder({ 'rotate.yml': ROTATE, 'restart-one.yml': PARAMS, 'idle.yml': IDLE });

/** The newest request card in the runbook card's thread, once stored. */
async function requestCardIn(
  h: Harness,
  thread: () => { ts: string; blocks?: unknown[] }[],
  not?: string,
) {
  const message = await waitFor('a request card in the runbook thread', () =>
    thread()
      .filter((m) => /request req_[0-9a-f]{16}"/.test(JSON.stringify(m.blocks ?? [])))
      .find((m) => !not || !JSON.stringify(m.blocks).includes(not)),
  );
  const id = /request (req_[0-9a-f]{16})"/.exec(JSON.stringify(message.blocks))![1]!;
  await waitFor('the request stored', () => h.redis.hget(`${h.prefix}:request:${id}`, 'card_ts'));
  return { id, ts: message.ts };
}

describe('guided runbooks: failures, restarts, commands and incidents', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('a denied command stops the runbook with Retry and Abort; Retry asks again, Abort ends it', async () => {
    h = await startHarness({
      file: guidedFile(),
      aws: ports(),
    });
    await h.client.command('runbook start rotate', alice);
    const card = await waitForRunbookCard(h);
    const first = await requestCardIn(h, card.thread);
    await h.client.clickButton('request.deny', first.id, josh, { channel: 'C0OPS', ts: first.ts });
    const modal = await waitFor('the deny modal', () => h.slack.state.views.at(-1));
    await submitView(
      h,
      josh,
      {
        id: modal.id,
        callback_id: 'deny_reason',
        private_metadata: String(modal.view.private_metadata),
      },
      { deny_reason: { reason: { type: 'plain_text_input', value: 'not today' } } },
    );
    await waitFor('step 1 failed', () => card.text().includes('its request was denied'));
    expect(card.text()).toContain(
      `failed (<@U0JOSH>): \`${first.id}\`: its request was denied: not today`,
    );
    expect(card.button(1, 'retry')).toBeTruthy();
    expect(card.button(1, 'abort')).toBeTruthy();

    await clickStep(h, card, 1, 'retry', bob);
    const second = await requestCardIn(h, card.thread, first.id);
    expect(second.id).not.toBe(first.id);
    await waitFor('the card to show try 2', () => card.text().includes('try 2'));
    // The second request is cancelled by its requester (the starter): the step fails again.
    await h.client.clickButton('request.cancel', second.id, alice, {
      channel: 'C0OPS',
      ts: second.ts,
    });
    await waitFor('step 1 failed again', () => card.text().includes('its request was cancelled'));
    const staleRetry = card.button(1, 'retry');
    await clickStep(h, card, 1, 'abort', bob);
    await waitFor('the runbook aborted', () => card.text().includes('🛑 aborted'));
    // Aborted without a reason: the card names who aborted as a real mention, not escaped text.
    expect(card.text()).toContain(`aborted by <@${bob.id}>`);
    expect(card.text()).not.toContain('&lt;@');
    // A late click on the old Retry button changes nothing.
    await h.client.clickButton(staleRetry.action_id, staleRetry.value, bob, card);
    expect(await waitForEphemeral(h, bob, 'This runbook is aborted')).toBeTruthy();
    expect(await h.jobCount()).toBe(1); // the `runbook start` run only: nothing was run for step 1
  });

  it('keeps its place across a restart of the bot while a command step waits for approval', async () => {
    h = await startHarness({
      file: guidedFile(),
      aws: ports(),
    });
    await h.client.command('runbook start rotate', alice);
    const card = await waitForRunbookCard(h);
    const request = await requestCardIn(h, card.thread);
    await h.restartBot();
    await h.client.clickButton('request.approve', request.id, josh, {
      channel: 'C0OPS',
      ts: request.ts,
    });
    await waitFor('step 1 done after the restart', () => /✅ \*1\.\*/.test(card.text()));
    await clickStep(h, card, 2, 'done', bob);
    await waitFor('the runbook finished', () => card.text().includes('✅ finished (2/2)'));
  });

  it('/ops runbook list and status; help lists runbook; bad parameters queue nothing but say why', async () => {
    h = await startHarness({
      file: guidedFile(),
      aws: ports(),
    });
    const help = await h.client.command('help', alice);
    expect(JSON.stringify(help.json)).toContain('runbook');

    await h.client.command('runbook list', alice);
    const listed = await waitFor('the list', () =>
      h.slack.state.messages.find((m) => /\d+ guided runbook\(s\)/.test(m.text)),
    );
    expect(messageText(listed)).toContain('drop-jwt-rotation — Rotate Drop');
    expect(messageText(listed)).toContain('restart-one — Restart one service');
    expect(messageText(listed)).toContain('source: test.txt §3');

    // A flag smuggled into a target name: refused by restart's own schema; nothing else queued.
    await h.client.command('runbook start restart-one service="drop --emergency" reason=x', alice);
    const failed = await waitFor('the start to fail', () =>
      h.slack.state.messages.find((m) => messageText(m).includes('cannot start restart-one')),
    );
    expect(messageText(failed)).toMatch(
      /restart-one\.yml: step 2 \(command: \\?"restart \{\{params\.service\}\}\\?"\): service: /,
    );
    await h.client.command('runbook start restart-one service=drop', alice);
    await waitFor('the missing parameter', () =>
      h.slack.state.messages.some((m) => messageText(m).includes('`reason` is required')),
    );
    await h.client.command('runbook start restart-one service=drop reason=x --emergency', alice);
    await waitFor('flags refused', () =>
      h.slack.state.messages.some((m) => messageText(m).includes('a runbook takes no flags')),
    );
    // The list and the three refused starts: no restart, no note.
    const jobs = await h.bot.queue.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']);
    expect(jobs.map((j) => j.data.command)).toEqual(['runbook', 'runbook', 'runbook', 'runbook']);
    expect(h.slack.state.channelMessages('C0OPS').some((m) => m.text.startsWith('Runbook '))).toBe(
      false,
    );

    await h.client.command('runbook start restart-one service=drop reason=ok', alice);
    await waitForRunbookCard(h);
    await h.client.command('runbook status', bob);
    const status = await waitFor('the status', () =>
      h.slack.state.messages.find((m) => m.text.includes('1 runbook(s) in progress')),
    );
    expect(messageText(status)).toContain('restart-one (rbx_');
    expect(messageText(status)).toContain('step 1/3 current: Look first');
  });

  it('an incident’s Start runbook button puts the card in the incident thread', async () => {
    const file = withGuided(
      alertsFile({
        runbooks: [
          {
            name: 'uptime-checks',
            labels: { source: 'uptime' },
            buttons: [{ label: 'Start runbook', runbook: 'idle' }],
          },
        ],
      }),
      { folders: [folder, 'runbooks'] },
    );
    file.alerts = alertsConfigSchema.parse(file.alerts);
    h = await startHarness({ file, env: ALERT_ENV, alerts: { postIntervalMs: 50 }, aws: ports() });
    expect((await sendWebhook(h, webhookBody('db'))).status).toBe(202);
    const parent = await waitFor('the incident', () => parentFor(h, 'Check db failing', 'C0OPS'));
    await waitForParentStored(h, parent);
    const start = buttons(parent).get('Start runbook')!;
    await h.client.clickButton(start.action_id, start.value, alice, {
      channel: 'C0OPS',
      ts: parent.ts,
    });
    const card = await waitForRunbookCard(h, 'C0OPS', parent.ts);
    expect(card.text()).toContain('Nobody moves this');
    await clickStep(h, card, 1, 'done', alice);
    await waitFor('the ping run in the incident thread', () =>
      h.slack.state.channelMessages('C0OPS', parent.ts).some((m) => m.text.includes('ping done')),
    );
    await waitFor('the runbook finished', () => card.text().includes('✅ finished (2/2)'));
  });

  it('only the runbook command’s requesters may click, and a card whose file changed refuses to go on', async () => {
    const dir = runbookFolder({ 'idle.yml': IDLE });
    const file = withGuided(exampleConfig(), { folders: [dir, 'runbooks'] });
    file.policies.runbook = { default: { requesters: ['operators'] } };
    h = await startHarness({ file, aws: ports() });
    await h.client.command('runbook start idle', alice);
    const card = await waitForRunbookCard(h);
    await clickStep(h, card, 1, 'done', USERS.mallory);
    expect(await waitForEphemeral(h, USERS.mallory, 'Only members of')).toBeTruthy();
    expect(card.text()).not.toContain('done by');

    writeFileSync(
      join(dir, 'idle.yml'),
      IDLE.replace('Wait for someone', 'Wait for somebody else'),
    );
    await h.restartBot();
    await clickStep(h, card, 1, 'done', alice);
    expect(
      await waitForEphemeral(h, alice, 'The steps of idle changed since this execution started'),
    ).toBeTruthy();
  });

  it('a command step is done as soon as its run ends, not at the next poll', async () => {
    // Polling every 5 minutes: only the run's own end can move the step within the wait below.
    h = await startHarness({ file: guidedFile({ poll_seconds: 300 }), aws: ports() });
    await h.client.command('runbook start idle', alice);
    const card = await waitForRunbookCard(h);
    await clickStep(h, card, 1, 'done', alice);
    await waitFor('the ping step done and the runbook finished', () =>
      card.text().includes('✅ finished (2/2)'),
    );
    expect(card.text()).toMatch(/✅ \*2\.\*/);
  });

  it('an idle execution gets a reminder, then is marked abandoned', async () => {
    const file = guidedFile({
      idle_reminder_hours: 0.0005, // 1.8 s
      abandon_after_days: 0.00005, // 4.3 s
    });
    h = await startHarness({ file, aws: ports() });
    await h.client.command('runbook start idle', alice);
    const card = await waitForRunbookCard(h);
    await waitFor('the idle reminder', () =>
      card.thread().some((m) => m.text.includes('this runbook has waited')),
    );
    expect(card.text()).toContain('in progress');
    const done = card.button(1, 'done');
    await waitFor('abandoned', () => card.text().includes('abandoned'), 20_000);
    await h.client.clickButton(done.action_id, done.value, alice, card);
    expect(await waitForEphemeral(h, alice, 'This runbook is abandoned')).toBeTruthy();
    await h.client.command('runbook status', alice);
    await waitFor('no runbook in progress', () =>
      h.slack.state.messages.some((m) => m.text.includes('No runbook is in progress')),
    );
  });
});
