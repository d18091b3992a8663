import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsAdapters } from '../../src/aws/adapters.ts';
import { BLOCK_EXPIRY_QUEUE } from '../../src/containment/expiry.ts';
import { click, ephemeralsFor, waitForCardText, waitForEphemeral } from '../helpers/approvals.ts';
import { ACCOUNT, mockCognito, mockIam, mockSts, mockWaf } from '../helpers/containment-mocks.ts';
import { type Harness, messageText, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { memoryDeploys } from '../helpers/memory-deploys.ts';

const { alice, josh, bob } = USERS;
const KEY = 'AKIAIOSFODNN7EXAMPLE';
const BOT_KEY = 'AKIAOPSBOTOWNKEY0001';

/**
 * Containment end to end: a real opsbot (Redis, the Slack emulator), AWS answered by
 * aws-sdk-client-mock with AWS's shapes. Each action needs one approval from `security` or
 * `oncall` in prod; its result card carries Undo, the inverse command with `undo=<request id>`,
 * which goes through the same validation, policy and approval.
 */
describe('containment with undo', () => {
  let h: Harness;
  let waf: ReturnType<typeof mockWaf>;
  let iam: ReturnType<typeof mockIam>;
  let cognito: ReturnType<typeof mockCognito>;
  const mocks: { mock: { restore(): void } }[] = [];
  beforeAll(async () => {
    waf = mockWaf({ addresses: ['192.0.2.200/32'] });
    iam = mockIam({ 'ci-deployer': { [KEY]: 'Active' }, opsbot: { [BOT_KEY]: 'Active' } });
    cognito = mockCognito({ 'us-east-1_AbCdEf123': { mallory: true } });
    mocks.push(waf, iam, cognito, mockSts(`arn:aws:iam::${ACCOUNT}:user/opsbot`));
    h = await startHarness({ aws: awsAdapters('us-east-1', { deploys: memoryDeploys() }) });
  });
  afterAll(async () => {
    await h?.stop();
    for (const m of mocks) m.mock.restore();
  });

  const seen = new Set<string>();
  /** The newest request card not seen yet. */
  async function newCard() {
    const message = await waitFor('a new request card', () =>
      h.slack.state
        .channelMessages('C0OPS')
        .filter((m) => !m.thread_ts && m.text.includes('Approval needed'))
        .find((m) => {
          const id = /request (req_[0-9a-f]{16})"/.exec(JSON.stringify(m.blocks ?? []))?.[1];
          return id !== undefined && !seen.has(id);
        }),
    );
    const id = /request (req_[0-9a-f]{16})"/.exec(JSON.stringify(message.blocks))![1]!;
    seen.add(id);
    await waitFor('the card to be stored', () =>
      h.redis.hget(`${h.prefix}:request:${id}`, 'card_ts'),
    );
    return {
      id,
      channel: 'C0OPS',
      ts: message.ts,
      now: () => ({ text: messageText(message), edits: message.edits }),
    };
  }

  /** Asks as alice, approves as josh (security), waits for the run to finish; returns the card. */
  async function approved(text: string) {
    await h.client.command(text, alice);
    const card = await newCard();
    // Prod needs one approval from security or on-call: nothing runs before it.
    expect(card.now().text).toMatch(/security/);
    await click(h, 'approve', card.id, josh, card);
    await waitForCardText(card, 'Done:');
    return card;
  }

  /** The thread message holding an Undo button; its command. */
  function undoCommand(card: { ts: string }) {
    const found = h.slack.state
      .channelMessages('C0OPS', card.ts)
      .map((m) => messageText(m))
      .find((t) => t.includes('"Undo"'));
    const match = /"value":"([^"]+)"/.exec(found ?? '');
    return { text: found, match };
  }

  it('block-ip → Undo (unblock-ip undo=…) restores the IP set; a second Undo is refused, nothing queued', async () => {
    const card = await approved(
      'block-ip 203.0.113.7 target=edge reason="credential stuffing" ttl=2h',
    );
    expect(waf.state.addresses).toEqual(['192.0.2.200/32', '203.0.113.7/32']);
    const undo = undoCommand(card);
    expect(undo.text).toContain(`unblock-ip 203.0.113.7/32 target=edge undo=${card.id}`);

    await h.client.command('blocks', bob);
    await waitFor('the blocks list', () =>
      h.slack.state.messages.find((m) => m.text.includes('1 active block')),
    );

    // Undo needs the same policy: a card, an approval from security or on-call.
    const inverse = await approved(`unblock-ip 203.0.113.7/32 target=edge undo=${card.id}`);
    expect(waf.state.addresses).toEqual(['192.0.2.200/32']);
    const inverseThread = h.slack.state
      .channelMessages('C0OPS', inverse.ts)
      .map(messageText)
      .join('\n');
    expect(inverseThread).toContain(`Undoes request ${card.id}`);

    const jobs = await h.jobCount();
    await h.client.command(`unblock-ip 203.0.113.7/32 target=edge undo=${card.id}`, alice);
    await waitForEphemeral(h, alice, `was already undone`);
    expect(ephemeralsFor(h, alice).join('\n')).toContain(`by request ${inverse.id}`);
    expect(await h.jobCount()).toBe(jobs);
    expect(waf.state.updates).toBe(2);
  });

  it('ttl: the delayed job lifts the block, notes it in the thread, and a later Undo is refused', async () => {
    const card = await approved('block-ip 203.0.113.9 target=edge reason="scanner" ttl=2h');
    expect(waf.state.addresses).toContain('203.0.113.9/32');
    // Fire the delayed job now instead of in 2 h (BullMQ's own promote), as the clock would.
    const queue = new Queue(BLOCK_EXPIRY_QUEUE, { connection: h.redis, prefix: h.prefix });
    try {
      const job = await waitFor('the expiry job', () => queue.getJob(`expire-${card.id}`));
      expect(await job.getState()).toBe('delayed');
      await job.promote();
      const note = await waitFor('the expiry note in the thread', () =>
        h.slack.state.channelMessages('C0OPS', card.ts).find((m) => m.text.includes('expired')),
      );
      expect(note.text).toContain('203.0.113.9/32 on edge expired');
      expect(waf.state.addresses).not.toContain('203.0.113.9/32');
      await waitFor('the job to complete', async () => (await job.getState()) === 'completed');
    } finally {
      await queue.close();
    }
    await h.client.command(`unblock-ip 203.0.113.9 target=edge undo=${card.id}`, alice);
    await waitForEphemeral(h, alice, 'by its ttl expiring');
  });

  it('blocked twice: the first block’s Undo is refused (the newer block holds it), nothing queued', async () => {
    const first = await approved('block-ip 203.0.113.60 target=edge reason="scanner"');
    const second = await approved('block-ip 203.0.113.60 target=edge reason="scanner again"');
    const secondThread = h.slack.state
      .channelMessages('C0OPS', second.ts)
      .map(messageText)
      .join('\n');
    expect(secondThread).toContain(`Takes over the block of request ${first.id}`);
    const updates = waf.state.updates;
    const jobs = await h.jobCount();
    await h.client.command(`unblock-ip 203.0.113.60/32 target=edge undo=${first.id}`, alice);
    await waitForEphemeral(h, alice, 'no longer holds the block');
    expect(ephemeralsFor(h, alice).join('\n')).toContain(`request ${second.id} (by ${alice.id} at`);
    expect(await h.jobCount()).toBe(jobs);
    expect(waf.state.updates).toBe(updates);
    expect(waf.state.addresses).toContain('203.0.113.60/32');
    // The newer block's Undo lifts it.
    await approved(`unblock-ip 203.0.113.60/32 target=edge undo=${second.id}`);
    expect(waf.state.addresses).not.toContain('203.0.113.60/32');
  });

  it('disable-access-key deny_all=true → Undo reactivates and removes opsbot-quarantine-<id>', async () => {
    const card = await approved(
      `disable-access-key ${KEY} reason="leaked in a public repo" deny_all=true`,
    );
    expect(iam.state['ci-deployer']!.keys[KEY]).toBe('Inactive');
    expect(Object.keys(iam.state['ci-deployer']!.policies)).toEqual([
      `opsbot-quarantine-${card.id}`,
    ]);
    expect(undoCommand(card).text).toContain(`enable-access-key ${KEY} undo=${card.id}`);
    await approved(`enable-access-key ${KEY} undo=${card.id}`);
    expect(iam.state['ci-deployer']!.keys[KEY]).toBe('Active');
    expect(iam.state['ci-deployer']!.policies).toEqual({});
  });

  it("refuses the bot's own key before anything is asked or changed", async () => {
    const jobs = await h.jobCount();
    await h.client.command(`disable-access-key ${BOT_KEY} reason="rotate it"`, alice);
    await waitForEphemeral(h, alice, 'belongs to opsbot itself');
    expect(iam.state.opsbot!.keys[BOT_KEY]).toBe('Active');
    expect(await h.jobCount()).toBe(jobs);
  });

  it('signout-user disable=true → Undo (enable-user) enables the user again', async () => {
    const card = await approved(
      'signout-user mallory pool=customers reason="impossible travel" disable=true',
    );
    expect(cognito.state.signedOut).toEqual(['us-east-1_AbCdEf123/mallory']);
    expect(cognito.state.pools['us-east-1_AbCdEf123']!.mallory).toBe(false);
    await approved(`enable-user mallory pool=customers undo=${card.id}`);
    expect(cognito.state.pools['us-east-1_AbCdEf123']!.mallory).toBe(true);
  });
});
