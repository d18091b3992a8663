import { afterAll, describe, expect, it } from 'vitest';
import {
  approvalsConfig,
  click,
  resultReplies,
  waitForCard,
  waitForCardText,
} from '../helpers/approvals.ts';
import { type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { mockLambda } from '../helpers/lambda-mock.ts';

const { alice, josh } = USERS;

/**
 * The worker posts a request card, then stores its ts on the request. An Approve click (a fast
 * client) that lands in between used to queue the run with no card: the card never moved to Done
 * and the run reported outside the card's thread. The click names the message it was on.
 */
describe('Approve clicked before the request stored its card', () => {
  let h: Harness;
  const lambda = mockLambda({ versions: ['41', '42', '43'], current: '42' });
  afterAll(async () => {
    await h?.stop();
    lambda.mock.restore();
  });

  it('runs in the card’s thread and moves the card to Done', async () => {
    h = await startHarness({ file: approvalsConfig() });
    await h.client.command('promote mission-control-api 43', alice);
    const card = await waitForCard(h);
    // Back to the moment between the card's post and its store write.
    await h.redis.hdel(`${h.prefix}:request:${card.id}`, 'card_ts', 'card_channel');

    await click(h, 'approve', card.id, josh, card);
    await waitFor('the result reply in the card thread', () => resultReplies(h, card)[0]);
    expect(resultReplies(h, card)[0]!.text).toContain('promote done');
    await waitForCardText(card, 'Done: promote');
    expect(await h.redis.hget(`${h.prefix}:request:${card.id}`, 'card_ts')).toBe(card.ts);
  });
});
