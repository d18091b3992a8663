import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestIdFor, runIdFor } from '../../src/requests/request.ts';
import {
  type Harness,
  messageText,
  startHarness,
  USERS,
  waitFor,
  waitForJobCompleted,
} from '../helpers/harness.ts';

/**
 * Slack calls of a run's progress message. A read-only run that finishes within the update
 * interval posts its final state once (no chat.update) and its result in the thread; the message's
 * ts is stored with the result marker, so a retried run edits it rather than posting another.
 */
describe('a fast read-only run posts its progress message once', () => {
  let h: Harness;
  // Far longer than a ping takes, even on a loaded machine: the run surely ends within it.
  beforeAll(async () => {
    h = await startHarness({ updateIntervalMs: 30_000 });
  });
  afterAll(async () => h.stop());

  it('one post of the final state, one result reply, no edit; the ts is kept for retries', async () => {
    const callsBefore = h.slack.state.calls.length;
    const triggerId = 'fast-ping-1';
    await h.client.command('ping', USERS.alice, { triggerId });
    const requestId = requestIdFor(triggerId);
    const parent = await waitFor('the run message', () =>
      h.slack.state
        .channelMessages('C0OPS')
        .find((m) => !m.thread_ts && messageText(m).includes(requestId)),
    );
    const result = await waitFor('the result in its thread', () =>
      h.slack.state.channelMessages('C0OPS', parent.ts).find((m) => m.text.includes('ping done')),
    );
    await waitForJobCompleted(h, requestId);
    expect(result.thread_ts).toBe(parent.ts);
    // Posted with its final state and never edited.
    expect(parent.edits).toBe(0);
    expect(messageText(parent)).toMatch(/done/i);
    const methods = h.slack.state.calls.slice(callsBefore).map((c) => c.method);
    expect(methods.filter((m) => m === 'chat.update')).toEqual([]);
    expect(methods.filter((m) => m === 'chat.postMessage')).toHaveLength(2);
    const stored = await h.redis.hgetall(`${h.prefix}:run:${runIdFor(requestId)}:message`);
    expect(stored).toMatchObject({ ts: parent.ts, channel: 'C0OPS', result_posted: '1' });
  });
});
