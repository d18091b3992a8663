import { UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunsQueue } from '../../src/requests/runs-queue.ts';
import { accessDenied, throttled } from '../helpers/aws-errors.ts';
import { exampleConfig, type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { mockLambda } from '../helpers/lambda-mock.ts';

/** promote with no approval needed, so a slash command goes straight to a run. */
function noApprovalConfig() {
  const file = exampleConfig();
  file.policies.promote = { default: { requesters: ['operators'] }, prod: { approvals: 0 } };
  return file;
}

describe('AWS errors end to end (slash command → queue → worker → Slack)', () => {
  let h: Harness;
  let lambda: ReturnType<typeof mockLambda>;
  afterEach(async () => {
    await h?.stop();
    lambda?.mock.restore();
  });

  const runMessage = () => h.slack.state.channelMessages('C0OPS').find((m) => !m.thread_ts);
  const result = (ts: string) =>
    h.slack.state.channelMessages('C0OPS', ts).find((m) => /promote (done|failed)/.test(m.text));
  const updateTimes: number[] = [];

  async function start(failures: (() => Error)[]) {
    lambda = mockLambda({ versions: ['41', '42', '43'], current: '42' });
    updateTimes.length = 0;
    lambda.state.beforeUpdate = () => {
      updateTimes.push(Date.now());
      const next = failures.shift();
      if (next) throw next();
    };
    h = await startHarness({ file: noApprovalConfig() });
    await h.client.command('promote mission-control-api 43', USERS.alice);
    const message = await waitFor('the run message', runMessage);
    return waitFor('the result reply', () => result(message.ts), 30_000);
  }

  it('retries throttling with growing backoff, then succeeds once', async () => {
    const reply = await start([throttled, throttled]);
    expect(reply.text).toContain('promote done');
    expect(lambda.mock.commandCalls(UpdateAliasCommand)).toHaveLength(3);
    expect(lambda.state.updates).toBe(1);
    expect(lambda.state.version).toBe('43');
    // Exponential backoff between attempts (1 s, then 2 s): each wait at least as long as configured.
    const [first, second, third] = updateTimes;
    expect(second! - first!).toBeGreaterThanOrEqual(1000);
    expect(third! - second!).toBeGreaterThanOrEqual(2000);
    const queue = createRunsQueue(h.redis, h.prefix);
    // The result is posted from inside the job, so BullMQ may not have moved it to completed yet.
    const job = await waitFor(
      'the completed job',
      async () => (await queue.getJobs(['completed']))[0],
    );
    expect(job.attemptsMade).toBe(3);
    await queue.close();
    // One result, no failure posted for the throttled attempts.
    expect(h.slack.state.channelMessages('C0OPS', reply.thread_ts!)).toHaveLength(1);
  });

  it('fails a non-retryable error at once, with a sentence naming the action and resource', async () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:mission-control-api:prod';
    const reply = await start([() => accessDenied('lambda:UpdateAlias', arn)]);
    expect(reply.text).toContain('promote failed');
    expect(reply.text).toContain('lambda:UpdateAlias');
    expect(reply.text).toMatch(/mission-control-api/);
    expect(reply.text).not.toMatch(/\n\s+at /);
    expect(lambda.mock.commandCalls(UpdateAliasCommand)).toHaveLength(1);
    expect(lambda.state.version).toBe('42');
    const queue = createRunsQueue(h.redis, h.prefix);
    // The failure is posted from inside the job, before BullMQ moves it to failed.
    const job = await waitFor('the failed job', async () => (await queue.getJobs(['failed']))[0]);
    expect(job.attemptsMade).toBe(1);
    await queue.close();
  });
});
