import { FilterLogEventsCommand, StartLiveTailCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatedMessage } from '../../src/dev/slack-emulator/state.ts';
import { ACTION } from '../../src/slack/ids.ts';
import { type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { logsConfig, logsWorld, runThread, textOf, waitForReply } from '../helpers/logs-harness.ts';

const isHeader = (m: EmulatedMessage) =>
  m.text.startsWith('Following ') || m.text.startsWith('Follow of ');
const stopButton = (m: EmulatedMessage) =>
  (m.blocks as { type: string; elements?: { action_id: string; value: string }[] }[] | undefined)
    ?.flatMap((b) => b.elements ?? [])
    .find((e) => e.action_id === ACTION.stopFollow);
/** The mrkdwn text of each block of one type (`section`, `context`) in a message, in order. */
const textsOf = (m: EmulatedMessage, type: 'section' | 'context') =>
  (m.blocks as { type: string; text?: { text: string }; elements?: { text: string }[] }[]).flatMap(
    (b) =>
      b.type !== type ? [] : type === 'section' ? [b.text!.text] : b.elements!.map((e) => e.text),
  );
const LOG_GROUP = '/aws/lambda/mission-control-api';
const batches = (h: Harness, nth = 0) =>
  runThread(h, nth)?.replies.filter((m) => /new events?/.test(m.text)) ?? [];
const allBatchText = (h: Harness, nth = 0) => batches(h, nth).map(textOf).join('\n');

describe('/ops logs follow', () => {
  let h: Harness;
  let world: ReturnType<typeof logsWorld>;

  afterEach(async () => {
    await h.stop();
    world.logs.mock.restore();
  });

  async function start(settings = {}, env: Record<string, string> = {}) {
    world = logsWorld();
    h = await startHarness({ file: logsConfig(settings), aws: world.aws, env });
  }

  async function header(nth = 0) {
    return waitFor('the follow message', () => runThread(h, nth)?.replies.find(isHeader));
  }

  it('streams live-tail updates in batches, marks sampled ones, and stops (closing the session) on Stop', async () => {
    await start();
    await h.client.command('logs mission-control-api follow=10m', USERS.alice);
    const head = await header();
    expect(head.text).toContain('live tail');
    const button = stopButton(head)!;
    expect(button.value).toMatch(/^run_[0-9a-f]{16}$/);
    expect(textsOf(head, 'context')).toEqual([`${button.value} · asked by <@U0ALICE>`]);
    await waitFor('the live-tail session', () => world.logs.live.open === 1);
    const now = Date.now();
    world.logs.live.update([{ timestamp: now, message: 'first password=hunter2hunter2' }]);
    world.logs.live.update([{ timestamp: now + 1, message: 'second' }], true);
    await waitFor('a batch', () => allBatchText(h).includes('second'));
    world.logs.live.update([{ timestamp: Date.now(), message: 'third' }]);
    await waitFor('a later batch', () => allBatchText(h).includes('third'));
    const text = allBatchText(h);
    expect(text).toContain('first password=[REDACTED]');
    expect(text).not.toContain('hunter2hunter2');
    expect(text).toMatch(/sampled/);
    expect(batches(h).find((m) => m.text.includes('sampled'))).toBeDefined();
    // Bob (a channel member, not the requester) presses Stop.
    const click = await h.client.clickButton(ACTION.stopFollow, button.value, USERS.bob, {
      channel: 'C0OPS',
      ts: head.ts,
    });
    expect(click.status).toBe(200);
    await waitFor('the follow to end', () =>
      runThread(h)?.replies.find((m) => m.text.startsWith('Follow of ')),
    );
    const ended = runThread(h)!.replies.find((m) => m.text.startsWith('Follow of '))!;
    const endedText = `Follow of ${LOG_GROUP} ended: stopped by <@U0BOB>. 3 events posted.`;
    expect(ended.text).toBe(endedText);
    expect(textsOf(ended, 'section')).toEqual([endedText]);
    expect(textsOf(ended, 'context')).toEqual([`${button.value} · asked by <@U0ALICE>`]);
    expect(stopButton(ended)).toBeUndefined();
    await waitFor('the session to close', () => world.logs.live.open === 0);
    const call = world.logs.mock.commandCalls(StartLiveTailCommand)[0]!;
    expect(((call.args as unknown[])[1] as { abortSignal: AbortSignal }).abortSignal.aborted).toBe(
      true,
    );
    await waitForReply(h, 'the run result', (m) => m.text.includes('logs done'));
  });

  it('refuses Stop from someone outside the channel and a tampered button', async () => {
    await start();
    h.slack.state.addUser('U0OUTSIDE', 'outsider');
    await h.client.command('logs mission-control-api follow=10m', USERS.alice);
    const head = await header();
    const runId = stopButton(head)!.value;
    await h.client.clickButton(
      ACTION.stopFollow,
      runId,
      { id: 'U0OUTSIDE' },
      { channel: 'C0OPS', ts: head.ts },
    );
    await h.client.clickButton(ACTION.stopFollow, 'run_; FLUSHALL', USERS.bob, {
      channel: 'C0OPS',
      ts: head.ts,
    });
    await h.client.clickButton(ACTION.stopFollow, 'run_0000000000000000', USERS.bob, {
      channel: 'C0OPS',
      ts: head.ts,
    });
    const notes = await waitFor('three refusals', () => {
      const found = h.slack.state.messages.filter((m) => m.visibleTo);
      return found.length >= 3 ? found : undefined;
    });
    const byUser = (id: string) =>
      notes
        .filter((m) => m.visibleTo === id)
        .map((m) => m.text)
        .join('\n');
    expect(byUser('U0OUTSIDE')).toContain('Only members of this channel');
    expect(byUser('U0BOB')).toContain('not valid');
    expect(byUser('U0BOB')).toContain('not following anything');
    expect(await h.redis.exists(`${h.prefix}:run:${runId}:stop`)).toBe(0);
    expect(runThread(h)!.replies.find(isHeader)!.text.startsWith('Following')).toBe(true);
  });

  it('allows one follow per channel and log group: a second request points at the running one', async () => {
    await start();
    await h.client.command('logs mission-control-api follow=10m', USERS.alice);
    const head = await header();
    const runId = stopButton(head)!.value;
    const until = /until (.+ UTC)\./.exec(head.text)![1];
    await h.client.command('logs mission-control-api follow=5m filter=ERROR', USERS.bob);
    const pointer = await waitForReply(
      h,
      'the pointer',
      (m) => m.text.includes('already followed'),
      1,
    );
    const pointed = `${LOG_GROUP} is already followed in this channel by ${runId} (asked by <@U0ALICE> until ${until}); see its thread, or press its Stop button to end it.`;
    expect(pointer.text).toBe(pointed);
    expect(textsOf(pointer, 'section')).toEqual([pointed]);
    expect(world.logs.mock.commandCalls(StartLiveTailCommand)).toHaveLength(1);
    expect(runThread(h, 1)!.replies.some(isHeader)).toBe(false);
  });

  it('ends on its own when its time is up', async () => {
    await start();
    await h.client.command('logs mission-control-api follow=2s', USERS.alice);
    const ended = await waitFor('the follow to end', () =>
      runThread(h)?.replies.find((m) => m.text.startsWith('Follow of ')),
    );
    expect(ended.text).toContain('its time was up');
    await waitFor('the session to close', () => world.logs.live.open === 0);
  });

  it('falls back to polling FilterLogEvents when the live-tail session fails', async () => {
    await start();
    await h.client.command('logs mission-control-api follow=10m', USERS.alice);
    await header();
    await waitFor('the live-tail session', () => world.logs.live.open === 1);
    world.logs.live.push({
      SessionStreamingException: { name: 'SessionStreamingException', message: 'boom' } as never,
    });
    world.store.push({ timestamp: Date.now(), message: 'seen by polling' });
    await waitFor('a polled batch', () => allBatchText(h).includes('seen by polling'));
    expect(world.logs.mock.commandCalls(FilterLogEventsCommand).length).toBeGreaterThan(0);
    // The header no longer claims live tail, and says why it polls.
    const head = await waitFor('the header to say polling', () =>
      runThread(h)?.replies.find((m) => isHeader(m) && m.text.includes('polling every 2 s')),
    );
    expect(head.text).not.toContain('live tail)');
    expect(textOf(head)).toContain('live tail failed');
  });

  it('says "polling every 2 s" and why when live tail is off in config', async () => {
    await start({ live_tail: false });
    await h.client.command('logs mission-control-api follow=10m', USERS.alice);
    const head = await header();
    expect(head.text).toContain('(polling every 2 s)');
    expect(textOf(head)).toContain('live tail is off');
    world.store.push({ timestamp: Date.now(), message: 'seen by polling' });
    await waitFor('a polled batch', () => allBatchText(h).includes('seen by polling'));
    expect(world.logs.mock.commandCalls(StartLiveTailCommand)).toHaveLength(0);
  });

  it('resumes after the worker restarts, from the last posted event, without duplicates', {
    timeout: 90_000,
  }, async () => {
    await start({}, { OPSBOT_JOB_LOCK_SECONDS: '2' });
    await h.client.command('logs mission-control-api follow=10m', USERS.alice);
    const head = await header();
    await waitFor('the live-tail session', () => world.logs.live.open === 1);
    const emit = (message: string) => {
      const event = { timestamp: Date.now(), message };
      world.store.push(event);
      world.logs.live.update([event]);
    };
    emit('event-one');
    emit('event-two');
    await waitFor('the first batch', () => allBatchText(h).includes('event-two'));
    await h.restartBot();
    // Logged while no worker was following: only FilterLogEvents can find it.
    world.store.push({ timestamp: Date.now(), message: 'event-three' });
    await waitFor(
      'the resumed session',
      () => world.logs.live.open === 1 && world.logs.live.sessions === 2,
      30_000,
    );
    emit('event-four');
    await waitFor('the resumed batches', () => allBatchText(h).includes('event-four'), 30_000);
    const text = allBatchText(h);
    for (const name of ['event-one', 'event-two', 'event-three', 'event-four'])
      expect(text.split(name).length - 1).toBe(1);
    expect(runThread(h)!.replies.filter(isHeader)).toHaveLength(1);
    const stop = await h.client.clickButton(
      ACTION.stopFollow,
      stopButton(head)!.value,
      USERS.alice,
      {
        channel: 'C0OPS',
        ts: head.ts,
      },
    );
    expect(stop.status).toBe(200);
    const ended = await waitFor('the follow to end', () =>
      runThread(h)?.replies.find((m) => m.text.startsWith('Follow of ')),
    );
    expect(ended.text).toContain('4 events posted');
  });
});
