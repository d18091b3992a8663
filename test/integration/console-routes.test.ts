import type { HTTPReceiver } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountConsole } from '../../src/dev/console/routes.ts';
import { LOCAL_USERS, localChannels, seedWorkspace } from '../../src/dev/local/workspace.ts';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import { HttpServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/log.ts';
import { createSlackApp } from '../../src/slack/app.ts';
import { exampleConfig, waitFor } from '../helpers/harness.ts';

/**
 * The console's routes against a real Bolt app (signature checks included) and the emulator: a
 * modal opened for the user who typed the command, `response_action: errors` shown on the field,
 * a valid submit closing it, and a button click answered through `response_url`.
 */
const TOKEN = 'xoxb-console-test';
const SECRET = 'console-test-signing-secret';
const alice = 'U0ALICE';
const josh = 'U0JOSH';

const emulator = new SlackEmulator({ tokens: [TOKEN] });
const http = new HttpServer(() => {});
let base = '';
let token = '';

async function post(path: string, body: Record<string, unknown>) {
  const response = await fetch(`${base}/console/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-opsbot-console-token': token },
    body: JSON.stringify({ channel: 'C0OPS', ...body }),
  });
  return (await response.json()) as Record<string, unknown>;
}

async function state() {
  const response = await fetch(`${base}/console/api/state`, {
    headers: { 'x-opsbot-console-token': token },
  });
  return (await response.json()) as {
    views: { id: string; user?: string; errors?: Record<string, string> }[];
    messages: { text: string; ts: string; visibleTo?: string; blocks?: unknown[] }[];
  };
}

beforeAll(async () => {
  const file = exampleConfig();
  const slackUrl = await emulator.start();
  seedWorkspace(emulator.state, file);
  const { app, receiver } = createSlackApp({
    botToken: TOKEN,
    signingSecret: SECRET,
    slackApiUrl: slackUrl,
    log: createLogger('silent'),
  });
  app.command('/ops', async ({ ack, client, command }) => {
    await ack();
    await client.views.open({
      trigger_id: command.trigger_id,
      view: {
        type: 'modal',
        callback_id: 'test_form',
        title: { type: 'plain_text', text: 'Deny' },
        submit: { type: 'plain_text', text: 'Deny' },
        blocks: [
          {
            type: 'input',
            block_id: 'reason',
            label: { type: 'plain_text', text: 'Why?' },
            element: { type: 'plain_text_input', action_id: 'value' },
          },
        ],
      },
    });
  });
  app.view('test_form', async ({ ack, view, body, client }) => {
    const reason = view.state.values.reason?.value?.value;
    if (!reason) return ack({ response_action: 'errors', errors: { reason: 'Say why' } });
    await ack();
    await client.chat.postMessage({
      channel: 'C0OPS',
      text: `denied by ${body.user.id}: ${reason}`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `denied by <@${body.user.id}>` } },
        {
          type: 'actions',
          block_id: 'after',
          elements: [
            {
              type: 'button',
              action_id: 'test.click',
              text: { type: 'plain_text', text: 'Ok' },
              value: 'v1',
            },
          ],
        },
      ],
    });
  });
  app.action('test.click', async ({ ack, respond, body }) => {
    await ack();
    const action = (body as { actions: { value: string; block_id: string }[] }).actions[0]!;
    await respond({ text: `clicked ${action.value} in ${action.block_id} by ${body.user.id}` });
  });
  http.route('POST', '/slack/events', (receiver as HTTPReceiver).requestListener);
  const routes = mountConsole(http, {
    emulator,
    signingSecret: SECRET,
    webhookSecret: 'unused',
    users: LOCAL_USERS,
    channels: localChannels(file),
    aws: { lambda: 'SANDBOX' },
  });
  base = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
  routes.attach(base);
  token = routes.token;
  afterAll(async () => {
    routes.stop();
    await http.close();
    await emulator.stop();
  });
});

describe('console routes', () => {
  it('opens a modal for its user, shows field errors, and closes it on a valid submit', async () => {
    expect((await post('command', { user: alice, text: '/ops deny' })).status).toBe(200);
    const view = await waitFor('the modal', async () => (await state()).views[0]);
    expect(view.user).toBe(alice);

    await post('view', {
      user: alice,
      viewId: view.id,
      values: { reason: { value: { type: 'plain_text_input', value: null } } },
    });
    expect((await state()).views[0]?.errors).toEqual({ reason: 'Say why' });

    await post('view', {
      user: alice,
      viewId: view.id,
      values: { reason: { value: { type: 'plain_text_input', value: 'not today' } } },
    });
    expect((await state()).views).toEqual([]);
    await waitFor('the message', async () =>
      (await state()).messages.find((m) => m.text === `denied by ${alice}: not today`),
    );
  });

  it('sends a button click as the chosen user and shows the response_url reply to them only', async () => {
    const message = (await state()).messages.find((m) => m.text.startsWith('denied by'))!;
    const answer = await post('action', {
      user: josh,
      ts: message.ts,
      actionId: 'test.click',
      blockId: 'after',
      value: 'v1',
    });
    expect(answer.status).toBe(200);
    const reply = await waitFor('the ephemeral reply', async () =>
      (await state()).messages.find((m) => m.text === `clicked v1 in after by ${josh}`),
    );
    expect(reply.visibleTo).toBe(josh);
  });

  it('refuses an unknown user', async () => {
    const response = await fetch(`${base}/console/api/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-opsbot-console-token': token },
      body: JSON.stringify({ user: 'U0NOBODY', channel: 'C0OPS', text: '/ops help' }),
    });
    expect(response.status).toBe(400);
  });
});
