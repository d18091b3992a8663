import { afterEach, describe, expect, it } from 'vitest';
import { limitsSchema } from '../../src/config/limits.ts';
import { runbookFolder, waitForRunbookCard, withGuided } from '../helpers/guided.ts';
import { exampleConfig, type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';

const PINGS = `
name: pings
title: Two command steps
source: test.txt §1
steps:
  - command: "ping"
  - command: "ping"
`;

const LOGS = `
name: logs-step
title: A step its starter may not request
source: test.txt §2
steps:
  - command: "logs mission-control-api"
`;

/**
 * A guided runbook's command steps are requests of its starter, made one at a time by the
 * runbook. The per-member limits (issue 16, finding 7) count the start; they do not refuse the
 * steps, so a runbook is never left half done by a rate limit its own start used up.
 */
describe('per-member limits and guided runbooks', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('the command steps of a runbook started at the limit still run', async () => {
    const file = withGuided(exampleConfig(), {
      folders: [runbookFolder({ 'pings.yml': PINGS, 'logs.yml': LOGS }), 'runbooks'],
    });
    file.limits = limitsSchema.parse({ requests_per_minute_per_user: 1 });
    h = await startHarness({ file });
    await h.client.command('runbook start pings', USERS.alice);
    const card = await waitForRunbookCard(h);
    await waitFor('both steps done', () => /✅ \*2\.\*/.test(card.text()));
    expect(card.text()).not.toContain('❌');
    // The limit itself still holds for what alice types.
    await h.client.command('ping', USERS.alice);
    await waitFor('the refusal', () =>
      h.slack.state.messages.some(
        (m) => m.visibleTo === USERS.alice.id && m.text.includes('requests_per_minute_per_user'),
      ),
    );
  });

  it('a step refused by its policy says so on the card in plain text, no escaped mention', async () => {
    const file = withGuided(exampleConfig(), {
      folders: [runbookFolder({ 'pings.yml': PINGS, 'logs.yml': LOGS }), 'runbooks'],
    });
    h = await startHarness({ file });
    // mallory is no operator: `logs` is requested by operators only.
    await h.client.command('runbook start logs-step', USERS.mallory);
    const card = await waitForRunbookCard(h);
    await waitFor('the refused step', () => /❌ \*1\.\*/.test(card.text()));
    expect(card.text()).toContain('was not made (refused by its policy');
    expect(JSON.stringify(h.slack.state.channelMessages('C0OPS'))).not.toMatch(/&lt;[@!#]/);
  });
});
