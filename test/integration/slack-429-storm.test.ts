import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, messageText, startHarness, USERS, waitFor } from '../helpers/harness.ts';

const RUNS = 6;

describe('a 429 storm from Slack', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('delivers every message, in order per run, retrying each refused call only after Retry-After', async () => {
    // Mutating runs (`note`): each run message is posted before the run starts and then edited to
    // its final state, so the refused chat.update calls below are really made (a read-only ping
    // posts its final state once and never edits it).
    h = await startHarness({ rateLimits: true, updateIntervalMs: 20 });
    // On top of Slack's own per-method limits: the next posts and edits are all refused for a while.
    h.slack.failNext('chat.postMessage', 8, 1);
    h.slack.failNext('chat.update', 8, 1);
    await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        h.client.command(`note storm ${i}`, USERS.alice, { triggerId: `storm-${i}` }),
      ),
    );
    const parents = () => h.slack.state.channelMessages('C0OPS').filter((m) => !m.thread_ts);
    const replies = (ts: string) => h.slack.state.channelMessages('C0OPS', ts);
    await waitFor(
      'every run to post its result',
      () => parents().length === RUNS && parents().every((p) => replies(p.ts).length >= 2),
      30_000,
    );

    // Every message arrived once, and per run in order: the run message, the note's output, then
    // the run's one result.
    expect(parents()).toHaveLength(RUNS);
    for (const parent of parents()) {
      const [output, result, ...more] = replies(parent.ts);
      expect(more).toHaveLength(0);
      expect(output!.text).toContain('Noted in the audit ledger.');
      expect(result!.text).toContain('note done');
      expect(Number(output!.ts)).toBeGreaterThan(Number(parent.ts));
      expect(Number(result!.ts)).toBeGreaterThan(Number(output!.ts));
      // The last edit of the run message is its final state (no older edit landed after it).
      await waitFor(
        'the run message to show the finished step',
        () => /pong|done|✅|✓/.test(messageText(parent)) && !messageText(parent).includes('◐'),
      );
    }

    // Every refused call was retried, with the same arguments, no sooner than Retry-After.
    const calls = h.slack.state.calls;
    const refused = calls.filter((c) => c.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(16);
    expect(refused.filter((c) => c.method === 'chat.update').length).toBeGreaterThan(0);
    for (const call of refused) {
      const same = JSON.stringify(call.args);
      const retry = calls.find(
        (c) =>
          c.at >= call.at &&
          c !== call &&
          c.method === call.method &&
          JSON.stringify(c.args) === same &&
          calls.indexOf(c) > calls.indexOf(call),
      );
      expect(retry, `a retry of ${call.method}`).toBeDefined();
      expect(retry!.at - call.at).toBeGreaterThanOrEqual(1000 - 20);
    }
    const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^opsbot_slack_rate_limited_total [1-9]/m);
    // The 18 posts share C0OPS's one lane and Slack's limit there (1 a second after a burst of 3):
    // the 8 refused posts are retried one after another, 1 s apart, and the lane is paced while
    // it drains: close to 20 s of Slack time, more than the default 30 s test budget leaves once
    // the harness has started on a loaded machine.
  }, 60_000);
});
