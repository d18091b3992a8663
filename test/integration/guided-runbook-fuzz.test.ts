import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.ts';
import { submitView } from '../helpers/approvals.ts';
import { fuzzInBatches } from '../helpers/fuzz.ts';
import {
  type RunbookCard,
  runbookFolder,
  waitForRunbookCard,
  withGuided,
} from '../helpers/guided.ts';
import { exampleConfig, type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';

/** Signed payloads per runbook card handler (`GUIDED_FUZZ_RUNS` for more). */
const RUNS = Number(process.env.GUIDED_FUZZ_RUNS ?? 300);
const REFUSAL = /nothing changed|not the current step|already|needs a reason|Only a failed step/i;

const TWO = `
name: two
title: Two manual steps
source: test.txt §6
steps:
  - manual: "First"
    by: other
  - manual: "Second"
`;

const hex = (n: number) =>
  fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`)).filter((s) => s.length === n);

describe('runbook card handlers under random signed inputs', { timeout: 240_000 }, () => {
  let h: Harness;
  let card: RunbookCard;
  let executionId: string;
  const version = () => h.redis.hget(`${h.prefix}:runbook-execution:${executionId}`, 'version');
  let next = 0;
  const fuzzUser = () => {
    const id = `U0FZ${(next++).toString(36).toUpperCase().padStart(6, '0')}`;
    h.slack.state.addUser(id, id.toLowerCase());
    return { id, name: id.toLowerCase() };
  };
  const ephemeralFor = (user: string) => h.slack.state.messages.find((m) => m.visibleTo === user);

  beforeAll(async () => {
    const file = withGuided(exampleConfig(), {
      folders: [runbookFolder({ 'two.yml': TWO }), 'runbooks'],
    });
    h = await startHarness({ file });
    await h.client.command('runbook start two', USERS.alice);
    card = await waitForRunbookCard(h);
    executionId = card.button(1, 'done').value.split('|')[0]!;
    // The card is posted before its ts is committed to the execution (a version bump of its own):
    // wait for that commit, so the version each test reads first is the settled one.
    await waitFor('the card ts on the execution', async () => {
      const json = await h.redis.hget(`${h.prefix}:runbook-execution:${executionId}`, 'json');
      return json && (JSON.parse(json) as { cardTs?: string }).cardTs;
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  // Junk, ids shaped like an execution's that name nothing, and the real execution at steps that are
  // not current (or done by its starter, which `by: other` refuses).
  const values = () =>
    fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.tuple(hex(16), fc.integer({ min: 0, max: 99 })).map(([x, i]) => `rbx_${x}|${i}`),
      fc.integer({ min: 1, max: 99 }).map((i) => `${executionId}|${i}`),
      fc.constantFrom(
        '',
        '|',
        'rbx_|0',
        `${executionId}|`,
        `${executionId}|-1`,
        `${executionId}|0|0`,
      ),
    );

  for (const actionId of [ACTION.runbookDone, ACTION.runbookRetry, ACTION.runbookAbort]) {
    it(`block_actions ${actionId}: every bad value is refused and nothing changes`, async () => {
      const before = await version();
      await fuzzInBatches(
        values(),
        async (value) => {
          const user = fuzzUser();
          const response = await h.client.clickButton(actionId, value, user, card);
          expect(response.status).toBe(200);
          const answer = await waitFor(
            `the refusal of ${JSON.stringify(value)}`,
            () => ephemeralFor(user.id),
            10_000,
          );
          expect(answer.text, `${actionId} ${JSON.stringify(value)}`).toMatch(REFUSAL);
        },
        { total: RUNS },
      );
      expect(await version()).toBe(before);
    });
  }

  it('view_submission runbook_skip: junk metadata and blank reasons change nothing', async () => {
    const before = await version();
    await fuzzInBatches(
      fc.record({
        meta: fc.oneof(
          fc.string({ maxLength: 40 }),
          values().map((value) => JSON.stringify({ value, channel: 'C0OPS' })),
        ),
        reason: fc.oneof(fc.constant('   '), fc.string({ maxLength: 40 })),
      }),
      async ({ meta, reason }) => {
        const user = fuzzUser();
        const response = await submitView(
          h,
          user,
          { id: 'V000FUZZ', callback_id: 'runbook_skip', private_metadata: meta },
          { skip_reason: { reason: { type: 'plain_text_input', value: reason } } },
        );
        expect(response.status).toBe(200);
      },
      { total: RUNS },
    );
    expect(await version()).toBe(before);
    // The starter's own Done on the `by: other` step is refused too, and the card still waits.
    const starter = await h.client.clickButton(
      ACTION.runbookDone,
      `${executionId}|0`,
      USERS.alice,
      card,
    );
    expect(starter.status).toBe(200);
    await waitFor('the starter refused', () =>
      h.slack.state.messages.find(
        (m) => m.visibleTo === USERS.alice.id && m.text.includes('needs a second person'),
      ),
    );
    expect(await version()).toBe(before);
  });
});
