import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import { Outbox, type OutboxOptions } from '../../src/notify/outbox.ts';
import { outboxWriter } from '../../src/notify/outbox-writer.ts';
import { createWebClient, webWriter } from '../../src/slack/web-writer.ts';
import { sleep } from '../../src/util/sleep.ts';

const content = (text: string) => ({ text, blocks: [] });

/**
 * Run posts through the outbox, wired as opsbot wires them (`outboxWriter` on a WebClient that
 * rejects a 429 with `retryAfter`): our own pacing never holds them back; only Slack's 429 does.
 */
describe('run posts through the outbox', () => {
  const slack = new SlackEmulator({ tokens: ['xoxb-good'] });
  let url = '';
  let outbox: Outbox | undefined;
  let channel = 0;
  beforeAll(async () => {
    url = await slack.start();
  });
  afterEach(() => outbox?.close());
  afterAll(() => slack.stop());

  function setup(options: OutboxOptions = {}) {
    const id = `CRUN${++channel}`;
    slack.state.addChannel(id, `runs${channel}`);
    const errors: unknown[] = [];
    // Each time a lane waited before a call, and why (a pacing slot, or a 429's Retry-After).
    const waits: { lane: string; reason: string; ms: number }[] = [];
    outbox = new Outbox({
      onError: (error) => errors.push(error),
      onWait: (wait) => waits.push(wait),
      ...options,
    });
    const writer = webWriter(createWebClient('xoxb-good', url, { rejectRateLimitedCalls: true }));
    const runs = outboxWriter(writer, outbox);
    const posts = () =>
      slack.state.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === id);
    return { id, outbox, writer, runs, errors, waits, posts };
  }
  const postAll = (runs: ReturnType<typeof setup>['runs'], id: string, texts: string[]) =>
    Promise.all(texts.map((text) => runs.post(id, content(text))));
  const waitFor = async (ready: () => boolean) => {
    while (!ready()) await sleep(10);
  };
  const texts = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${prefix} ${i}`);

  it("sends 20 run posts to one channel without waiting for a pacing slot; one run's posts in order", async () => {
    // A pacer that would let 3 posts through and then 1 a minute: it holds incident posts only.
    const { id, outbox, writer, runs, errors, waits, posts } = setup({
      postIntervalMs: 60_000,
      postBurst: 3,
    });
    // Ten runs post at once (several round trips overlap); each posts twice, one after the other.
    const runTexts = (i: number) => [`run ${i} message`, `run ${i} result`];
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        for (const text of runTexts(i)) await runs.post(id, content(text));
      }),
    );
    const asked = Array.from({ length: 10 }, (_, i) => runTexts(i)).flat();

    expect(posts().every((c) => c.status === 200)).toBe(true);
    const landed = slack.state.channelMessages(id).map((m) => m.text!);
    expect([...landed].sort()).toEqual([...asked].sort());
    for (let i = 0; i < 10; i++)
      expect(landed.indexOf(`run ${i} message`)).toBeLessThan(landed.indexOf(`run ${i} result`));
    expect(waits).toEqual([]);
    expect(errors).toEqual([]);

    // The run posts spent the lane's slots: an incident post now waits for one.
    outbox.post(id, () => writer.post(id, content('incident parent')));
    await waitFor(() => waits.length > 0);
    expect(waits).toMatchObject([{ lane: id, reason: 'slot' }]);
    expect(posts()).toHaveLength(20);
  });

  it('after a 429 the lane waits out Retry-After, then paces its posts in order until it empties', async () => {
    const { id, runs, errors, waits, posts } = setup({ postIntervalMs: 200, postBurst: 1 });
    slack.failNext('chat.postMessage', 1, 1);
    const first = texts('before', 5);
    // The first post is refused; the other four are asked once the outbox has its 429 (it waits
    // out Retry-After). The emulator's call log shows the 429 before the client has read it, so
    // under load posts asked at that point could still go out ahead of the pause.
    const refused = runs.post(id, content(first[0]!));
    await waitFor(() => waits.length === 1);
    await Promise.all([refused, postAll(runs, id, first.slice(1))]);

    // The first post is refused and retried first, after Retry-After (1 s); the others waited.
    const calls = posts();
    expect(calls.map((c) => [c.status, c.args.text])).toEqual([
      [429, 'before 0'],
      ...first.map((t) => [200, t]),
    ]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000 - 20);
    expect(waits[0]).toMatchObject({ lane: id, reason: 'retry-after' });
    expect(waits[0]!.ms).toBeGreaterThan(900);
    // Then one slot at a time: each of the 4 posts behind the retry waited for its slot.
    expect(waits.slice(1).every((w) => w.reason === 'slot')).toBe(true);
    expect(waits.length).toBeGreaterThanOrEqual(1 + 4);

    // The lane emptied: Slack has no more objection, so the next run posts go at once again.
    const waitsBefore = waits.length;
    const after = texts('after', 5);
    await postAll(runs, id, after);
    expect(waits.slice(waitsBefore)).toEqual([]);
    expect(slack.state.channelMessages(id).map((m) => m.text)).toEqual([...first, ...after]);
    expect(errors).toEqual([]);
  });
});
