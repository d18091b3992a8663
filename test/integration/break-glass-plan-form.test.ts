import { UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import {
  approvalsConfig,
  click,
  resultReplies,
  submitView,
  waitForCard,
  waitForCardText,
  waitForEphemeral,
} from '../helpers/approvals.ts';
import { type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { mockLambda } from '../helpers/lambda-mock.ts';

const { alice, bob, josh, mallory } = USERS;

describe('break-glass, plan-only and command forms', () => {
  let h: Harness;
  let lambda: ReturnType<typeof mockLambda>;
  const start = async () => {
    lambda = mockLambda({ versions: ['41', '42', '43'], current: '42' });
    h = await startHarness({ file: approvalsConfig() });
  };
  afterEach(async () => {
    await h?.stop();
    lambda?.mock.restore();
  });
  const topLevel = () => h.slack.state.channelMessages('C0OPS').filter((m) => !m.thread_ts);

  it('runs a break-glass request at once under an EMERGENCY card, reminds, and records the acknowledgement', async () => {
    await start();
    await h.client.command(
      'promote mission-control-api 43 --emergency reason="checkout is down"',
      alice,
    );
    const card = await waitForCard(h);
    expect(card.now().text).toContain('EMERGENCY');
    expect(card.now().text).toContain('checkout is down');
    await waitFor('the run to finish', () => resultReplies(h, card)[0]);
    expect(lambda.mock.commandCalls(UpdateAliasCommand)).toHaveLength(1);
    await waitForCardText(card, 'Done: promote');
    expect(card.now().text).toContain('Not acknowledged yet');
    const reminder = await waitFor('a reminder in the channel', () =>
      topLevel().find((m) => m.text.includes('Reminder: the emergency run')),
    );
    expect(reminder.text).toContain(card.id);

    await click(h, 'acknowledgeEmergency', card.id, alice, card);
    await waitForEphemeral(h, alice, 'You asked for this request');
    await click(h, 'acknowledgeEmergency', card.id, bob, card);
    await waitForEphemeral(h, bob, 'Only members of t-josh may acknowledge');
    await click(h, 'acknowledgeEmergency', card.id, josh, card);
    await waitForCardText(card, 'Acknowledged by <@U0JOSH>');
    expect(await h.redis.hget(`${h.prefix}:request:${card.id}`, 'acknowledged_by')).toBe(josh.id);
    expect(await h.redis.zscore(`${h.prefix}:requests:emergency`, card.id)).toBeNull();
    expect(card.now().text).not.toContain('request.acknowledge_emergency');
  });

  it('refuses break-glass outside the break-glass group, where policy forbids it, and without a reason', async () => {
    await start();
    await h.client.command('promote mission-control-api 43 --emergency reason="urgent"', bob);
    await waitForEphemeral(h, bob, 'Only members of break-glass may use break-glass');
    await h.client.command(
      'promote mission-control-api 43 alias=staging --emergency reason="urgent"',
      alice,
    );
    await waitForEphemeral(
      h,
      alice,
      'Break-glass (`--emergency`) is not allowed for `promote` in staging',
    );
    await h.client.command('promote mission-control-api 43 --emergency', alice);
    await waitForEphemeral(h, alice, '`--emergency` needs a reason');
    expect(await h.jobCount()).toBe(0);
    expect(topLevel()).toHaveLength(0);
  });

  it('tells someone outside the requester groups who may request, and does nothing else', async () => {
    await start();
    await h.client.command('promote mission-control-api 43', mallory);
    await waitForEphemeral(h, mallory, 'Only members of operators may request `promote`');
    expect(await h.jobCount()).toBe(0);
    expect(topLevel()).toHaveLength(0);
  });

  it('shows --plan as an ephemeral reply and never queues or stores anything', async () => {
    await start();
    await h.client.command('promote mission-control-api 43 --plan', alice);
    const reply = await waitForEphemeral(h, alice, 'Plan only');
    expect(reply).toContain('prod: 42 → 43');
    expect(reply).toContain('Nothing was queued');
    expect(await h.jobCount()).toBe(0);
    expect(topLevel()).toHaveLength(0);
    expect(await h.redis.keys(`${h.prefix}:request:*`)).toHaveLength(0);
  });

  it('opens a form for a bare command; its submission validates on the fields and creates a request', async () => {
    await start();
    const ack = await h.client.command('promote', alice);
    expect(ack.status).toBe(200);
    const opened = await waitFor('the command form', () => h.slack.state.views[0]);
    const view = opened.view as {
      callback_id: string;
      private_metadata: string;
      blocks: {
        block_id?: string;
        label?: { text: string };
        hint?: { text: string };
        element?: Record<string, unknown>;
        optional?: boolean;
      }[];
    };
    expect(view.callback_id).toBe('command_form');
    const field = (name: string) => view.blocks.find((b) => b.block_id === `arg.${name}`)!;
    expect(field('function').element).toMatchObject({
      type: 'static_select',
      options: [{ value: 'mission-control-api' }],
    });
    expect(field('version').label!.text).toBe('version (required)');
    expect(field('version').hint!.text).toContain('Published version');
    expect(field('alias').optional).toBe(true);
    const meta = {
      id: opened.id,
      callback_id: 'command_form',
      private_metadata: view.private_metadata,
    };

    const bad = await submitView(h, alice, meta, {
      'arg.function': {
        value: { type: 'static_select', selected_option: { value: 'mission-control-api' } },
      },
      'arg.version': { value: { type: 'plain_text_input', value: '4x3' } },
    });
    expect(bad.json).toMatchObject({
      response_action: 'errors',
      errors: { 'arg.version': expect.stringContaining('a published version number such as 43') },
    });
    const empty = await submitView(h, alice, meta, {});
    expect(empty.json).toMatchObject({
      response_action: 'errors',
      errors: { 'arg.function': 'required', 'arg.version': 'required' },
    });
    expect(await h.jobCount()).toBe(0);

    const good = await submitView(h, alice, meta, {
      'arg.function': {
        value: { type: 'static_select', selected_option: { value: 'mission-control-api' } },
      },
      'arg.version': { value: { type: 'plain_text_input', value: '43' } },
      'arg.alias': { value: { type: 'plain_text_input', value: 'prod' } },
    });
    expect(good.status).toBe(200);
    expect(good.json?.response_action).toBeUndefined();
    const card = await waitForCard(h);
    expect(card.now().text).toContain('prod: 42 → 43');
    await click(h, 'approve', card.id, josh, card);
    await waitFor('the run to finish', () => resultReplies(h, card)[0]);
    expect(lambda.state.version).toBe('43');
  });
});
