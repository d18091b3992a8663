import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import type { EmulatedCall } from '../../src/dev/slack-emulator/state.ts';
import { CoalescedMessage } from '../../src/notify/coalesced-message.ts';
import { Outbox, type OutboxOptions } from '../../src/notify/outbox.ts';
import { outboxWriter } from '../../src/notify/outbox-writer.ts';
import type { SlackWriter } from '../../src/notify/slack-writer.ts';
import { createWebClient, webWriter } from '../../src/slack/web-writer.ts';
import { sleep } from '../../src/util/sleep.ts';

const content = (text: string) => ({ text, blocks: [] });

async function waitFor(ready: () => boolean): Promise<void> {
  while (!ready()) await sleep(10);
}

/**
 * The outbox against the Slack emulator, wired as opsbot wires it: one outbox, a run writer that
 * posts through it (`outboxWriter`) and incident calls queued on it, all on a WebClient that rejects
 * a 429 with `retryAfter`.
 */
describe('the outbox (runs and incidents)', () => {
  const slack = new SlackEmulator({ tokens: ['xoxb-good'] });
  let url = '';
  let outbox: Outbox | undefined;
  let channel = 0;
  beforeAll(async () => {
    url = await slack.start();
  });
  afterEach(() => outbox?.close());
  afterAll(() => slack.stop());

  function setup(options: OutboxOptions) {
    const id = `C${++channel}`;
    slack.state.addChannel(id, `ch${channel}`);
    const errors: unknown[] = [];
    // Each time a lane waited before a call, and why (a pacing slot, or a 429's Retry-After).
    const waits: { lane: string; reason: string }[] = [];
    outbox = new Outbox({
      onError: (error) => errors.push(error),
      onWait: ({ lane, reason }) => waits.push({ lane, reason }),
      ...options,
    });
    const slackWriter = webWriter(
      createWebClient('xoxb-good', url, { rejectRateLimitedCalls: true }),
    );
    // When each call leaves the outbox (the emulator's clock adds each call's latency).
    const sent: { text: string; at: number }[] = [];
    const incidents: SlackWriter = {
      ...slackWriter,
      post: (channel, message, threadTs) => {
        sent.push({ text: message.text, at: Date.now() });
        return slackWriter.post(channel, message, threadTs);
      },
      update: (channel, ts, message) => {
        sent.push({ text: message.text, at: Date.now() });
        return slackWriter.update(channel, ts, message);
      },
    };
    const runs = outboxWriter(incidents, outbox);
    return { id, outbox, runs, incidents, errors, sent, waits };
  }
  const callsIn = (id: string, method: string): EmulatedCall[] =>
    slack.state.calls.filter((c) => c.method === method && c.args.channel === id);

  it('paces incident posts in the channel lane; run posts in it go at once, spending its slots', async () => {
    const { id, outbox, runs, incidents, sent, waits } = setup({
      postIntervalMs: 400,
      postBurst: 1,
    });
    // The lane reads its clock before the first call starts; a stamp taken in the call itself can
    // come later (the process may be descheduled in between), so the bound is measured from here.
    const asked = Date.now();
    const first = runs.post(id, content('run message'));
    outbox.post(id, () => incidents.post(id, content('incident parent')));
    const second = runs.post(id, content('run result'));
    await Promise.all([first, second, outbox.idle()]);

    // The run's first post spent the lane's one slot, so the incident parent waited for the next;
    // the run's second post did not wait behind it.
    expect(sent.map((s) => s.text)).toEqual(['run message', 'run result', 'incident parent']);
    expect(slack.state.channelMessages(id).map((m) => m.text)).toEqual([
      'run message',
      'run result',
      'incident parent',
    ]);
    expect(waits.every((w) => w.lane === id && w.reason === 'slot')).toBe(true);
    expect(sent[2]!.at - asked).toBeGreaterThanOrEqual(400);
  });

  it('retries a chat.postMessage refused with 429 after Retry-After, in the same lane, losing nothing', async () => {
    const { id, outbox, runs, incidents, errors } = setup({ postIntervalMs: 0 });
    slack.failNext('chat.postMessage', 2, 1);
    const run = runs.post(id, content('run message'));
    outbox.post(id, () => incidents.post(id, content('incident parent')));
    const { ts } = await run;
    await outbox.idle();

    expect(ts).toBe(slack.state.channelMessages(id)[0]!.ts);
    expect(slack.state.channelMessages(id).map((m) => m.text)).toEqual([
      'run message',
      'incident parent',
    ]);
    const posts = callsIn(id, 'chat.postMessage');
    expect(posts.map((c) => [c.status, c.args.text])).toEqual([
      [429, 'run message'],
      [429, 'run message'],
      [200, 'run message'],
      [200, 'incident parent'],
    ]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(1000 - 20);
    expect(posts[2]!.at - posts[1]!.at).toBeGreaterThanOrEqual(1000 - 20);
    expect(errors).toEqual([]);
  });

  it('retries a chat.update refused with 429 after Retry-After; the latest state lands', async () => {
    const { id, outbox, runs, incidents, errors } = setup({
      postIntervalMs: 0,
      updateIntervalMs: 0,
      editQuietMs: 0,
    });
    const run = await runs.post(id, content('run: queued'));
    const incident = await incidents.post(id, content('incident: 1 alerts'));
    slack.failNext('chat.update', 2, 1);
    let count = 2;
    let refusedSeen = 0;
    const editIncident = () =>
      outbox.edit('incident', () =>
        incidents.update(id, incident.ts, content(`incident: ${count} alerts`)).catch((error) => {
          refusedSeen += 1;
          throw error;
        }),
      );
    editIncident();
    const runEdit = runs.update(id, run.ts, content('run: done'));
    await waitFor(() => refusedSeen > 0);
    // Asked while the refused edit waits out Retry-After: it merges into that edit's retry.
    count = 5;
    editIncident();
    await runEdit;
    await outbox.idle();

    const texts = slack.state.channelMessages(id).map((m) => m.text);
    expect(texts).toEqual(['run: done', 'incident: 5 alerts']);
    const updates = callsIn(id, 'chat.update');
    // The incident's edit is refused twice and retried after each pause; the run's edit, queued
    // behind it on the one chat.update lane, waits its turn and is not lost.
    expect(updates.map((c) => [c.status, c.args.text])).toEqual([
      [429, 'incident: 2 alerts'],
      [429, 'incident: 5 alerts'],
      [200, 'incident: 5 alerts'],
      [200, 'run: done'],
    ]);
    expect(updates[1]!.at - updates[0]!.at).toBeGreaterThanOrEqual(1000 - 20);
    expect(updates[2]!.at - updates[1]!.at).toBeGreaterThanOrEqual(1000 - 20);
    expect(errors).toEqual([]);
  });

  it('coalesces edits of one message: earlier pending edits are dropped, the latest lands', async () => {
    const { id, outbox, runs, incidents } = setup({
      postIntervalMs: 0,
      updateIntervalMs: 300,
      editQuietMs: 0,
    });
    const incident = await incidents.post(id, content('incident: 1 alert'));
    let count = 1;
    for (let i = 0; i < 20; i++) {
      count = i + 1;
      outbox.edit('incident', () =>
        incidents.update(id, incident.ts, content(`incident: ${count} alerts`)),
      );
    }
    const run = await runs.post(id, content('run: 0'));
    const message = new CoalescedMessage(runs, id, run.ts, 300);
    for (let i = 1; i <= 20; i++) message.set(content(`run: ${i}`));
    await message.flush();
    await outbox.idle();

    expect(slack.state.channelMessages(id).map((m) => m.text)).toEqual([
      'incident: 20 alerts',
      'run: 20',
    ]);
    const updatesOf = (ts: string) => callsIn(id, 'chat.update').filter((c) => c.args.ts === ts);
    // The first ask goes at once; the 19 asked while it was in flight or waiting became one edit.
    expect(updatesOf(incident.ts).map((c) => c.args.text)).toEqual([
      'incident: 1 alerts',
      'incident: 20 alerts',
    ]);
    expect(updatesOf(run.ts).map((c) => c.args.text)).toEqual(['run: 20']);
  });

  it('spends one chat.update budget on runs and incidents together; run edits do not wait for it', async () => {
    const { id, outbox, runs, incidents, sent, waits } = setup({
      postIntervalMs: 0,
      updateIntervalMs: 0,
      editQuietMs: 0,
      updatesPerMinute: 120,
      updateBurst: 1,
    });
    const run = await runs.post(id, content('run'));
    const incident = await incidents.post(id, content('incident'));
    // Measured from before the first edit is asked for, as in the posts' test above.
    const firstAsked = Date.now();
    const asked = [
      runs.update(id, run.ts, content('run 1')),
      new Promise<void>((resolve) =>
        outbox.edit('incident', async () => {
          await incidents.update(id, incident.ts, content('incident 1'));
          resolve();
        }),
      ),
      runs.update(id, run.ts, content('run 2')),
    ];
    await Promise.all(asked);

    // 120 a minute with a burst of 1: the run's first edit spent the one slot, so the incident's
    // edit waited 500 ms for the next; the run's second edit went at once, before it.
    expect(callsIn(id, 'chat.update').map((c) => c.args.text)).toEqual([
      'run 1',
      'run 2',
      'incident 1',
    ]);
    const edits = sent.filter((s) => s.text !== 'run' && s.text !== 'incident');
    expect(edits.map((s) => s.text)).toEqual(['run 1', 'run 2', 'incident 1']);
    expect(edits[2]!.at - firstAsked).toBeGreaterThanOrEqual(500);
    expect(waits.every((w) => w.lane === 'chat.update' && w.reason === 'slot')).toBe(true);
  });
});
