import { UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import {
  approvalsConfig,
  click,
  ephemeralsFor,
  resultReplies,
  submitView,
  waitForCard,
  waitForCardText,
  waitForEphemeral,
} from '../helpers/approvals.ts';
import { type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { mockLambda } from '../helpers/lambda-mock.ts';

const { alice, bob, josh, jane } = USERS;

describe('a request that needs approval (prod promote: 1 approval from t-josh)', () => {
  let h: Harness;
  let lambda: ReturnType<typeof mockLambda>;
  const start = async (file = approvalsConfig()) => {
    lambda = mockLambda({ versions: ['41', '42', '43'], current: '42' });
    h = await startHarness({ file });
  };
  afterEach(async () => {
    await h?.stop();
    lambda?.mock.restore();
  });

  it('posts a card with the plan and policy, and runs once an eligible second person approves', async () => {
    await start();
    await h.client.command('promote mission-control-api 43', alice);
    const card = await waitForCard(h);
    const text = card.now().text;
    expect(text).toContain('Approval needed: promote');
    expect(text).toContain('prod: 42 → 43');
    expect(text).toContain('1 distinct approval from `t-josh`');
    expect(text).toContain('0 of 1 approvals');
    expect(text).toContain('<@U0ALICE>');
    expect(await h.jobCount()).toBe(0);
    const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^opsbot_approvals_pending 1$/m);

    await click(h, 'approve', card.id, josh, card);
    await waitFor('the result reply in the card thread', () => resultReplies(h, card)[0]);
    expect(resultReplies(h, card)[0]!.text).toContain('promote done');
    await waitForCardText(card, 'Done: promote');
    expect(card.now().text).toContain('approved by <@U0JOSH>');
    expect(lambda.mock.commandCalls(UpdateAliasCommand)).toHaveLength(1);
    expect(lambda.state.version).toBe('43');
    expect(await h.jobCount()).toBe(1);
  });

  it('refuses the requester approving their own request, and a non-member; the card stays unchanged', async () => {
    await start();
    await h.client.command('promote mission-control-api 43', alice);
    const card = await waitForCard(h);
    const before = card.now();
    await click(h, 'approve', card.id, alice, card);
    expect(await waitForEphemeral(h, alice, 'You asked for this request')).toContain('t-josh');
    await click(h, 'approve', card.id, bob, card);
    expect(await waitForEphemeral(h, bob, 'Only members of t-josh may approve')).toBeTruthy();
    expect(card.now()).toEqual(before);
    expect(await h.jobCount()).toBe(0);
    expect(await h.redis.scard(`${h.prefix}:request:${card.id}:approvals`)).toBe(0);
  });

  it('needs two distinct approvals where the policy says 2; the same person twice counts once', async () => {
    await start(
      approvalsConfig((f) => {
        f.policies.promote!.prod = { approvals: 2, approver_groups: ['t-josh'] };
      }),
    );
    await h.client.command('promote mission-control-api 43', alice);
    const card = await waitForCard(h);
    await click(h, 'approve', card.id, josh, card);
    await waitForCardText(card, '1 of 2 approvals by <@U0JOSH>');
    await click(h, 'approve', card.id, josh, card);
    expect(await waitForEphemeral(h, josh, 'You already approved this request')).toContain(
      '1 more approval',
    );
    expect(await h.jobCount()).toBe(0);
    await click(h, 'approve', card.id, jane, card);
    await waitFor('the run to finish', () => resultReplies(h, card)[0]);
    expect(card.now().text).toContain('<@U0JANE>');
    expect(lambda.mock.commandCalls(UpdateAliasCommand)).toHaveLength(1);
  });

  it('ends the request on a deny (reason from the modal) and runs nothing', async () => {
    await start();
    await h.client.command('promote mission-control-api 43', alice);
    const card = await waitForCard(h);
    await click(h, 'deny', card.id, bob, card);
    expect(await waitForEphemeral(h, bob, 'Only members of t-josh may deny')).toBeTruthy();
    expect(h.slack.state.views).toHaveLength(0);
    await click(h, 'deny', card.id, josh, card);
    const modal = await waitFor('the deny modal', () => h.slack.state.views[0]);
    expect(modal.view.callback_id).toBe('deny_reason');
    const response = await submitView(
      h,
      josh,
      {
        id: modal.id,
        callback_id: 'deny_reason',
        private_metadata: String(modal.view.private_metadata),
      },
      { deny_reason: { reason: { type: 'plain_text_input', value: 'not during the freeze' } } },
    );
    expect(response.status).toBe(200);
    await waitForCardText(card, 'denied by <@U0JOSH>: “not during the freeze”');
    await click(h, 'approve', card.id, jane, card);
    expect(await waitForEphemeral(h, jane, 'already denied')).toBeTruthy();
    expect(await h.jobCount()).toBe(0);
    expect(lambda.mock.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });

  it('ends the request on a cancel by the requester (only), and runs nothing', async () => {
    await start();
    await h.client.command('promote mission-control-api 43', alice);
    const card = await waitForCard(h);
    await click(h, 'cancel', card.id, josh, card);
    expect(await waitForEphemeral(h, josh, 'Only the requester can cancel')).toBeTruthy();
    await click(h, 'cancel', card.id, alice, card);
    await waitForCardText(card, 'cancelled by <@U0ALICE>');
    await click(h, 'approve', card.id, josh, card);
    expect(await waitForEphemeral(h, josh, 'already cancelled')).toBeTruthy();
    expect(await h.jobCount()).toBe(0);
  });

  it('expires the request on a timer (card updated) and an expired request never runs', async () => {
    await start(
      approvalsConfig((f) => {
        f.policies.promote!.prod = {
          approvals: 1,
          approver_groups: ['t-josh'],
          ttl_minutes: 0.005,
        };
      }),
    );
    await h.client.command('promote mission-control-api 43', alice);
    const card = await waitForCard(h);
    await waitForCardText(card, 'Expired: promote');
    expect(card.now().text).not.toContain('request.approve');
    await click(h, 'approve', card.id, josh, card);
    expect(await waitForEphemeral(h, josh, 'already expired')).toBeTruthy();
    expect(await h.jobCount()).toBe(0);
    expect(await h.redis.zcard(`${h.prefix}:requests:pending`)).toBe(0);
  });

  it('answers a tampered or unknown request id with an ephemeral error and leaves the card alone', async () => {
    await start();
    await h.client.command('promote mission-control-api 43', alice);
    const card = await waitForCard(h);
    const before = card.now();
    for (const value of ['req_0000000000000000', `${card.id}x`, '{"approve":true}', '']) {
      const response = await click(h, 'approve', value, josh, card);
      expect(response.status).toBe(200);
    }
    await waitFor('four refusals', () =>
      ephemeralsFor(h, josh).filter((t) => t.includes('does not name a request')).length === 4
        ? true
        : undefined,
    );
    expect(card.now()).toEqual(before);
    expect(await h.jobCount()).toBe(0);
  });

  it('gives exactly one job and one run for 50 concurrent Approve clicks', async () => {
    const approvers = Array.from({ length: 50 }, (_, i) => ({
      id: `U0APPR${String(i).padStart(2, '0')}`,
      name: `approver${i}`,
    }));
    await start(
      approvalsConfig((f) => {
        f.groups.many = { users: approvers.map((a) => a.id) };
        f.policies.promote!.prod = { approvals: 1, approver_groups: ['many'] };
      }),
    );
    for (const a of approvers) h.slack.state.addUser(a.id, a.name);
    await h.client.command('promote mission-control-api 43', alice);
    const card = await waitForCard(h);
    const responses = await Promise.all(
      approvers.map((a) => click(h, 'approve', card.id, a, card)),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await waitFor('the run to finish', () => resultReplies(h, card)[0]);
    await waitForCardText(card, 'Done: promote');
    expect(await h.jobCount()).toBe(1);
    expect(resultReplies(h, card)).toHaveLength(1);
    expect(lambda.mock.commandCalls(UpdateAliasCommand)).toHaveLength(1);
    expect(await h.redis.scard(`${h.prefix}:request:${card.id}:approvals`)).toBe(1);
    const runMessages = h.slack.state
      .channelMessages('C0OPS', card.ts)
      .filter((m) => JSON.stringify(m.blocks ?? []).includes('run_'));
    expect(runMessages).toHaveLength(1);
  });

  it('stops the run when the world drifted between approval and execution', async () => {
    await start();
    await h.client.command('promote mission-control-api 43', alice);
    const card = await waitForCard(h);
    expect(card.now().text).toContain('prod: 42 → 43');
    lambda.moveBehindOurBack('41');
    await click(h, 'approve', card.id, josh, card);
    await waitFor('the result reply', () => resultReplies(h, card)[0]);
    const reply = resultReplies(h, card)[0]!.text;
    expect(reply).toContain('plan_drifted');
    expect(reply).toContain('from was 42, is now 41');
    expect(reply).toContain('Make a new request');
    await waitForCardText(card, 'Failed: promote');
    expect(card.now().text).toContain('plan_drifted');
    expect(lambda.mock.commandCalls(UpdateAliasCommand)).toHaveLength(0);
    expect(lambda.state.version).toBe('41');
  });

  it('honours a user group membership change made between the request and the click', async () => {
    await start(
      approvalsConfig((f) => {
        f.groups.approvers = { usergroup: 'S0APPROVE' };
        f.policies.promote!.prod = { approvals: 1, approver_groups: ['approvers'] };
      }),
    );
    h.slack.state.setUsergroup('S0APPROVE', 'approvers', [jane.id]);
    await h.client.command('promote mission-control-api 43', alice);
    const card = await waitForCard(h);
    await click(h, 'approve', card.id, bob, card);
    await waitForEphemeral(h, bob, 'Only members of approvers');
    h.slack.state.setUsergroup('S0APPROVE', 'approvers', [josh.id]);
    await click(h, 'approve', card.id, jane, card);
    await waitForEphemeral(h, jane, 'Only members of approvers');
    expect(await h.jobCount()).toBe(0);
    await click(h, 'approve', card.id, josh, card);
    await waitFor('the run to finish', () => resultReplies(h, card)[0]);
    expect(h.slack.state.callsTo('usergroups.users.list').length).toBeGreaterThanOrEqual(3);
  });
});
