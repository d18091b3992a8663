import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputMessage } from '../../src/slack/blocks/output.ts';
import { waitForEphemeral } from '../helpers/approvals.ts';
import { BOT_TOKEN, type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { mockLambda } from '../helpers/lambda-mock.ts';

/**
 * Command buttons (`{ label, command }` in a run's output): a click asks for the command again as
 * the clicker, through the same intake, policy and approvals as typing it, in the button's thread.
 */
describe('command buttons over signed HTTP', () => {
  let h: Harness;
  let slack: WebClient;
  let parent: string;
  /** The rendered buttons, as a run's output message in the thread shows them. */
  let buttons: { action_id: string; value: string }[];
  let buttonTs: string;
  let lambda: ReturnType<typeof mockLambda>;

  beforeAll(async () => {
    lambda = mockLambda({ versions: ['42', '43'], current: '42' });
    h = await startHarness();
    slack = new WebClient(BOT_TOKEN, { slackApiUrl: h.slack.url });
    parent = (await slack.chat.postMessage({ channel: 'C0OPS', text: 'a run' })).ts!;
    const content = outputMessage({
      text: 'next steps',
      blocks: [
        {
          type: 'buttons',
          buttons: [
            { label: 'Ping again', command: 'ping' },
            { label: 'Promote 43', command: 'promote mission-control-api 43', style: 'primary' },
          ],
        },
      ],
    });
    buttonTs = (
      await slack.chat.postMessage({
        channel: 'C0OPS',
        thread_ts: parent,
        text: content.text,
        blocks: content.blocks,
      })
    ).ts!;
    const posted = h.slack.state.find('C0OPS', buttonTs)!;
    buttons = JSON.parse(JSON.stringify(posted.blocks)).flatMap(
      (b: { elements?: { action_id: string; value: string }[] }) => b.elements ?? [],
    );
  });
  afterAll(async () => {
    await h?.stop();
    lambda?.mock.restore();
  });

  const blocksOf = (m: { blocks?: unknown }) => JSON.stringify(m.blocks ?? []);
  const cardsInThread = () =>
    h.slack.state.channelMessages('C0OPS', parent).filter((m) => /request req_/.test(blocksOf(m)));
  const where = () => ({ channel: 'C0OPS', ts: buttonTs, threadTs: parent });

  it('renders each command button with a distinct command.run id and the command as value', () => {
    expect(buttons).toMatchObject([
      { action_id: 'command.run.0', value: 'ping' },
      { action_id: 'command.run.1', value: 'promote mission-control-api 43' },
    ]);
  });

  it('a click runs the command as the clicker, reported in the button thread', async () => {
    const before = await h.jobCount();
    const ping = buttons[0]!;
    const response = await h.client.clickButton(ping.action_id, ping.value, USERS.bob, where());
    expect(response.status).toBe(200);
    await waitFor('the ping result in the thread', () =>
      h.slack.state.channelMessages('C0OPS', parent).find((m) => m.text.includes('ping done')),
    );
    const jobs = await h.bot.queue.getJobs(['completed', 'active', 'waiting', 'delayed']);
    const job = jobs.find((j) => j.data.command === 'ping');
    expect(job?.data).toMatchObject({ requester: USERS.bob.id, threadTs: parent });
    expect(await h.jobCount()).toBe(before + 1);
  });

  it('goes through the policy: a prod promote waits for an approval, in the thread', async () => {
    const before = await h.jobCount();
    const promote = buttons[1]!;
    await h.client.clickButton(promote.action_id, promote.value, USERS.alice, where());
    const card = await waitFor('the promote request card in the thread', () =>
      h.slack.state
        .channelMessages('C0OPS', parent)
        .find((m) => /Approval needed: promote/.test(m.text) && /request req_/.test(blocksOf(m))),
    );
    const id = /request (req_[0-9a-f]{16})"/.exec(blocksOf(card))![1]!;
    const request = await waitFor('the request to be stored with its card', async () => {
      const fields = await h.redis.hgetall(`${h.prefix}:request:${id}`);
      return fields.card_ts ? fields : undefined;
    });
    expect(JSON.stringify(request)).toContain(USERS.alice.id);
    // Approval needed: nothing queued yet.
    expect(await h.jobCount()).toBe(before);
  });

  it('a tampered value gets an ephemeral naming what is wrong, and nothing is queued', async () => {
    const before = await h.jobCount();
    const cardsBefore = cardsInThread().length;
    const tampered: [string, string][] = [
      ['promote mission-control-api "43', 'a quote is not closed'],
      ['drop-database prod', 'no command `drop-database`'],
      ['promote nosuch-fn 43', 'no Lambda target named nosuch-fn'],
      ['promote', 'required'],
      ['', 'opsbot commands'],
    ];
    for (const [value, problem] of tampered) {
      const response = await h.client.clickButton('command.run.0', value, USERS.mallory, where());
      expect(response.status).toBe(200);
      const text = await waitForEphemeral(h, USERS.mallory, problem);
      expect(text).toContain('This button does not carry a command opsbot can run');
    }
    expect(await h.jobCount()).toBe(before);
    expect(cardsInThread()).toHaveLength(cardsBefore);
  });
});
