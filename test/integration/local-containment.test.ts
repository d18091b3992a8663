import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAlert, fireAlert } from '../../src/dev/local/demo-alert.ts';
import { startLocalDynamo } from '../../src/dev/local/dynamo.ts';
import { type Sandbox, sandboxPorts } from '../../src/dev/sandbox/index.ts';
import {
  ALERT_ENV,
  buttons,
  parentFor,
  WEBHOOK_SECRET,
  waitForParentStored,
} from '../helpers/alerts.ts';
import { click, waitForCardText } from '../helpers/approvals.ts';
import {
  exampleConfig,
  type Harness,
  messageText,
  startHarness,
  USERS,
  waitFor,
} from '../helpers/harness.ts';
import { memoryDeploys } from '../helpers/memory-deploys.ts';

/**
 * Local mode's promise: a newcomer fires the demo alert, blocks its source address from the
 * incident's Block IP button, and undoes it, all on the sandbox (nothing calls AWS).
 */
describe('local mode: block and unblock the demo alert’s address from the incident', () => {
  let h: Harness;
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let sandbox: Sandbox;
  const EDGE = 'waf:a1b2c3d4-5678-90ab-cdef-e0a1b2c3d4e5';
  beforeAll(async () => {
    dynamo = await startLocalDynamo(undefined, []);
    sandbox = await sandboxPorts({
      file: exampleConfig(),
      region: 'us-east-1',
      dynamoEndpoint: dynamo.endpoint,
    });
    h = await startHarness({
      aws: { ...sandbox.ports, deploys: memoryDeploys() },
      env: ALERT_ENV,
      alerts: { postIntervalMs: 50 },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await sandbox?.stop();
    await dynamo?.stop();
  });

  it('Block IP → approve → blocked in the sandbox WAF IP set → Undo → approve → unblocked', async () => {
    const alert = demoAlert();
    expect((await fireAlert(h.baseUrl, WEBHOOK_SECRET, alert)).status).toBe(202);
    const parent = await waitFor('the demo incident', () =>
      // Alert text is escaped for mrkdwn in the message (`> 5%` arrives as `&gt; 5%`).
      parentFor(
        h,
        alert.summary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
        'C0INCIDENTS',
      ),
    );
    await waitForParentStored(h, parent);
    const block = buttons(parent).get('Block IP')!;
    await h.client.clickButton(block.action_id, block.value, USERS.alice, {
      channel: 'C0INCIDENTS',
      ts: parent.ts,
    });
    const thread = () => h.slack.state.channelMessages('C0INCIDENTS', parent.ts);
    const cardOf = async (command: string) => {
      const m = await waitFor(`the ${command} card`, () =>
        thread().find((x) => x.text.includes(`Approval needed: ${command}`)),
      );
      const id = /request (req_[0-9a-f]{16})"/.exec(JSON.stringify(m.blocks))![1]!;
      await waitFor('the card to be stored', () =>
        h.redis.hget(`${h.prefix}:request:${id}`, 'card_ts'),
      );
      return {
        id,
        channel: 'C0INCIDENTS',
        ts: m.ts,
        now: () => ({ text: messageText(m), edits: m.edits }),
      };
    };
    const card = await cardOf('block-ip');
    await click(h, 'approve', card.id, USERS.josh, card);
    await waitForCardText(card, 'Done:');
    const ipBlocklists = sandbox.ports.ipBlocklists as unknown as {
      lists: Map<string, Set<string>>;
    };
    expect([...(ipBlocklists.lists.get(EDGE) ?? [])]).toEqual(['203.0.113.7/32']);
    const result = await waitFor('the result card with Undo', () =>
      thread().find((m) => messageText(m).includes('"Undo"')),
    );
    const undo = `unblock-ip 203.0.113.7/32 target=edge undo=${card.id}`;
    expect(messageText(result)).toContain(undo);

    // Click Undo as the newcomer would: the command button asks for unblock-ip as the clicker.
    const undoButton = buttons(result).get('Undo')!;
    expect(undoButton.action_id).toMatch(/^command\.run/);
    await h.client.clickButton(undoButton.action_id, undoButton.value, USERS.alice, {
      channel: 'C0INCIDENTS',
      ts: result.ts,
    });
    // Its request card goes to the ops channel, where approvers look.
    const inverse = await waitFor('the unblock-ip card', async () => {
      const m = h.slack.state
        .channelMessages('C0OPS')
        .find((x) => x.text.includes('Approval needed: unblock-ip'));
      const id = m && /request (req_[0-9a-f]{16})"/.exec(JSON.stringify(m.blocks))?.[1];
      return m && id && (await h.redis.hget(`${h.prefix}:request:${id}`, 'card_ts'))
        ? { id, channel: 'C0OPS', ts: m.ts, now: () => ({ text: messageText(m), edits: m.edits }) }
        : undefined;
    });
    await click(h, 'approve', inverse.id, USERS.josh, inverse);
    await waitForCardText(inverse, 'Done:');
    expect([...(ipBlocklists.lists.get(EDGE) ?? [])]).toEqual([]);
  });
});
