import { UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  exampleConfig,
  type Harness,
  messageText,
  startHarness,
  USERS,
  waitFor,
} from '../helpers/harness.ts';
import { mockLambda } from '../helpers/lambda-mock.ts';

function noApprovalConfig() {
  const file = exampleConfig();
  file.policies.promote = { default: { requesters: ['operators'] }, prod: { approvals: 0 } };
  return file;
}

describe('promote through Slack, the queue and the worker', () => {
  let h: Harness;
  let lambda: ReturnType<typeof mockLambda>;

  beforeEach(async () => {
    lambda = mockLambda({ versions: ['40', '41', '42', '43'], current: '42' });
    h = await startHarness({ file: noApprovalConfig() });
  });
  afterEach(async () => {
    await h.stop();
    lambda.mock.restore();
  });

  const runMessage = () =>
    h.slack.state.channelMessages('C0OPS').find((m) => !m.thread_ts && m.text.includes('promote'));
  const resultReply = (ts: string) => h.slack.state.channelMessages('C0OPS', ts)[0];

  it('moves the alias with the RevisionId it read and reports done in the thread', async () => {
    const response = await h.client.command('promote mission-control-api v43', USERS.alice);
    expect(response.status).toBe(200);
    const message = await waitFor('the run message', runMessage);
    const reply = await waitFor('the result reply', () => resultReply(message.ts));
    expect(reply.text).toContain('promote done');
    expect(reply.text).toContain('prod: 42 → 43');
    const updates = lambda.mock.commandCalls(UpdateAliasCommand);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.args[0].input).toMatchObject({
      FunctionName: 'mission-control-api',
      Name: 'prod',
      FunctionVersion: '43',
      RevisionId: 'rev-1',
    });
    expect(lambda.state.version).toBe('43');
    await waitFor('the final progress update', () => runMessage()?.text.startsWith('✅ Done'));
    const final = messageText(runMessage()!);
    // check-version, check-staging (on by default: 43 is on staging), update, verify, deploy-log.
    expect(final).toContain('5/5');
    expect(final).toContain('Verify the alias');
  });

  it('fails without overwriting when the alias changed after it was read (stale RevisionId)', async () => {
    // Someone moves the alias to 41 between our GetAlias and our UpdateAlias.
    lambda.state.beforeUpdate = () => {
      lambda.state.beforeUpdate = undefined;
      lambda.moveBehindOurBack('41');
    };
    await h.client.command('promote mission-control-api 43', USERS.alice);
    const message = await waitFor('the run message', runMessage);
    const reply = await waitFor('the result reply', () => resultReply(message.ts));
    expect(reply.text).toContain('failed at step update-alias');
    expect(reply.text).toContain('aws_precondition_failed');
    expect(reply.text).toContain('nothing was overwritten');
    expect(reply.text).not.toMatch(/\n\s+at /);
    expect(lambda.state.version).toBe('41');
    expect(lambda.state.updates).toBe(0);
  });

  it('sends all of a canary alias to the version it already points at', async () => {
    // prod is on 43 with 10 % of requests still on 42 (a canary left behind outside opsbot).
    lambda.state.version = '43';
    lambda.state.weights = { '42': 0.1 };
    await h.client.command('promote mission-control-api 43', USERS.alice);
    const message = await waitFor('the run message', runMessage);
    const reply = await waitFor('the result reply', () => resultReply(message.ts));
    expect(reply.text).toContain('promote done');
    expect(reply.text).toContain('prod: 43 (10 % on 42) → 43');
    const updates = lambda.mock.commandCalls(UpdateAliasCommand);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.args[0].input).toMatchObject({
      FunctionVersion: '43',
      RoutingConfig: { AdditionalVersionWeights: {} },
    });
    expect(lambda.state.weights).toEqual({});
  });

  it('fails the verify step when the alias still sends a share to another version', async () => {
    // An UpdateAlias that lands but leaves a weight (someone re-adds the canary at once).
    lambda.state.beforeUpdate = () => {
      lambda.state.beforeUpdate = undefined;
      queueMicrotask(() => {
        lambda.state.weights = { '42': 0.05 };
      });
    };
    await h.client.command('promote mission-control-api 43', USERS.alice);
    const message = await waitFor('the run message', runMessage);
    const reply = await waitFor('the result reply', () => resultReply(message.ts));
    expect(reply.text).toContain('failed at step verify');
    expect(reply.text).toContain('prod points at 43 (5 % on 42), expected all of it on 43');
  });

  it('refuses a version that was never published, before changing anything', async () => {
    await h.client.command('promote mission-control-api 99', USERS.alice);
    const message = await waitFor('the run message', runMessage);
    const reply = await waitFor('the result reply', () => resultReply(message.ts));
    expect(reply.text).toContain('unknown_version');
    expect(reply.text).toContain('has no published version 99');
    expect(lambda.mock.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });

  it('runs a retried slash command (same trigger_id) once', async () => {
    const triggerId = '1234.5678.retried';
    const [first, second] = await Promise.all([
      h.client.command('promote mission-control-api 43', USERS.alice, { triggerId }),
      h.client.command('promote mission-control-api 43', USERS.alice, {
        triggerId,
        headers: { 'x-slack-retry-num': '1' },
      }),
    ]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const message = await waitFor('the run message', runMessage);
    await waitFor('the result reply', () => resultReply(message.ts));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await h.jobCount()).toBe(1);
    expect(lambda.mock.commandCalls(UpdateAliasCommand)).toHaveLength(1);
    expect(h.slack.state.channelMessages('C0OPS').filter((m) => !m.thread_ts)).toHaveLength(1);
  });

  it('still delivers the result when Slack answers 429 with Retry-After', async () => {
    h.slack.failNext('chat.postMessage', 2, 1);
    await h.client.command('promote mission-control-api 43', USERS.alice);
    const message = await waitFor('the run message', runMessage);
    const reply = await waitFor('the result reply', () => resultReply(message.ts));
    expect(reply.text).toContain('promote done');
    const throttled = h.slack.state.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.status === 429,
    );
    expect(throttled).toHaveLength(2);
  });
});
