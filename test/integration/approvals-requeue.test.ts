import { UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import {
  approvalsConfig,
  click,
  resultReplies,
  waitForCard,
  waitForEphemeral,
} from '../helpers/approvals.ts';
import { type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { mockLambda } from '../helpers/lambda-mock.ts';

const { alice, josh } = USERS;

describe('an approved request whose run could not be queued (Redis failed after the click)', () => {
  let h: Harness;
  let lambda: ReturnType<typeof mockLambda>;
  afterEach(async () => {
    await h?.stop();
    lambda?.mock.restore();
  });

  it('is queued by the sweeper once, with the request id as job id, and runs once', async () => {
    lambda = mockLambda({ versions: ['41', '42', '43'], current: '42' });
    h = await startHarness({ file: approvalsConfig() });
    await h.client.command('promote mission-control-api 43', alice);
    const card = await waitForCard(h);

    // The queue is unreachable for the approving click only: the approval is stored, the job is not.
    const queue = h.bot.queue;
    const add = queue.add.bind(queue);
    let refused = 0;
    queue.add = (async (...args: Parameters<typeof add>) => {
      if (refused++ === 0) throw new Error('Connection is closed.');
      return add(...args);
    }) as typeof queue.add;

    await click(h, 'approve', card.id, josh, card);
    expect(await waitForEphemeral(h, josh, "can't reach its queue")).toContain('nothing was run');
    expect(await h.redis.hget(`${h.prefix}:request:${card.id}`, 'state')).not.toBe('pending');

    await waitFor('the result reply in the card thread', () => resultReplies(h, card)[0]);
    expect(resultReplies(h, card)[0]!.text).toContain('promote done');
    const job = await queue.getJob(card.id);
    expect(job?.id).toBe(card.id);
    expect(await h.jobCount()).toBe(1);
    // Later sweeps find the run queued and forget the request; nothing runs twice.
    await waitFor('the approved index to be empty', async () =>
      (await h.redis.zcard(`${h.prefix}:requests:approved`)) === 0 ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await h.jobCount()).toBe(1);
    expect(resultReplies(h, card)).toHaveLength(1);
    expect(lambda.mock.commandCalls(UpdateAliasCommand)).toHaveLength(1);
    expect(lambda.state.version).toBe('43');
  });
});
