import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatedCall } from '../../src/dev/slack-emulator/state.ts';
import { ALERT_ENV, alertsFile, parentFor, sendWebhook, webhookBody } from '../helpers/alerts.ts';
import { type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';

describe('one outbox for runs and incidents', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it("holds a run's posts behind an incident parent Slack refused: the ops channel has one lane", async () => {
    // Incidents post to the ops channel, where runs post too.
    h = await startHarness({ file: alertsFile(), env: ALERT_ENV });
    h.slack.failNext('chat.postMessage', 1, 3);
    expect((await sendWebhook(h, webhookBody('shared-lane'))).status).toBe(202);
    const posts = () =>
      h.slack.state.calls.filter(
        (c) => c.method === 'chat.postMessage' && c.args.channel === 'C0OPS',
      );
    const refused: EmulatedCall = await waitFor('the refused parent', () =>
      posts().find((c) => c.status === 429),
    );

    // Asked for while the lane waits out Retry-After (3 s).
    await h.client.command('ping', USERS.alice, { triggerId: 'shared-lane-ping' });
    await waitFor('the parent', () => parentFor(h, 'Check shared-lane failing'));
    const landed = () => posts().filter((c) => c.status === 200);
    await waitFor('the run message and its result', () => landed().length >= 3);

    // The refused parent is retried first, with the same text; the run's posts wait behind it.
    const [retry, ...runPosts] = landed();
    expect(retry!.args.text).toBe(refused.args.text);
    expect(runPosts.some((c) => String(c.args.text).includes('ping'))).toBe(true);
    for (const post of landed()) expect(post.at - refused.at).toBeGreaterThanOrEqual(3000 - 20);
  });
});
