import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { limitsSchema } from '../../src/config/limits.ts';
import { READS_QUEUE, RUNS_QUEUE } from '../../src/requests/runs-queue.ts';
import { type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { logsConfig, logsWorld } from '../helpers/logs-harness.ts';

/** Issue 16, finding 7 (a, b): reads and mutations queue apart; per-member limits. */
describe('run queues and per-member limits', () => {
  let h: Harness;
  let world: ReturnType<typeof logsWorld>;

  afterEach(async () => {
    await h.stop();
    world.logs.mock.restore();
  });

  async function start(limits: Record<string, number>) {
    world = logsWorld();
    const file = logsConfig();
    file.limits = limitsSchema.parse(limits);
    h = await startHarness({ file, aws: world.aws });
  }
  const ephemeralTo = (user: string) =>
    h.slack.state.messages
      .filter((m) => m.visibleTo === user)
      .map((m) => m.text)
      .join('\n');
  const queueOf = (name: string) => new Queue(name, { connection: h.redis, prefix: h.prefix });
  const runDone = (needle: string) =>
    waitFor(`${needle} done`, () =>
      h.slack.state.channelMessages('C0OPS').some((m) => m.text.includes(needle)),
    );

  it('finding 7: a mutating run is not held up while read-only runs fill their slots', async () => {
    await start({ read_only_runs_per_worker: 1, mutating_runs_per_worker: 1 });
    const reads = queueOf(READS_QUEUE);
    const runs = queueOf(RUNS_QUEUE);
    try {
      // A follow holds the only read-only slot; a second read waits behind it.
      await h.client.command('logs mission-control-api follow=10m', USERS.alice);
      await waitFor('the live-tail session', () => world.logs.live.open === 1);
      await h.client.command('ping', USERS.bob);
      await waitFor('the ping waiting in the reads queue', async () =>
        (await reads.getWaitingCount()) === 1 ? true : undefined,
      );
      // A mutation goes to its own queue and runs at once.
      await h.client.command('note rollback of api started', USERS.jane);
      await runDone('Noted in the audit ledger.');
      // The result is posted from inside the job, so BullMQ marks it completed a moment later.
      await waitFor('the mutation to complete', async () =>
        (await runs.getCompletedCount()) === 1 ? true : undefined,
      );
      expect(await reads.getWaitingCount()).toBe(1);
      expect(await reads.getActiveCount()).toBe(1);
      const completed = await runs.getJobs(['completed']);
      expect(completed.map((j) => j.data.command)).toEqual(['note']);
      expect((await reads.getJobs(['waiting'])).map((j) => j.data.command)).toEqual(['ping']);
    } finally {
      await reads.close();
      await runs.close();
    }
  });

  it('finding 7: a member over their runs in flight is refused with the limit named, and nothing is queued', async () => {
    await start({ runs_in_flight_per_user: 1 });
    await h.client.command('logs mission-control-api follow=10m', USERS.alice);
    await waitFor('the live-tail session', () => world.logs.live.open === 1);
    const jobs = await h.jobCount();
    await h.client.command('ping', USERS.alice);
    await waitFor('the refusal', () =>
      ephemeralTo(USERS.alice.id).includes(
        'You have 1 runs queued or running; the limit is 1 per member (`limits.runs_in_flight_per_user`)',
      ),
    );
    expect(await h.jobCount()).toBe(jobs);
    // Someone else is not held back by alice's runs.
    await h.client.command('ping', USERS.bob);
    await waitFor('bob’s run queued', async () => (await h.jobCount()) > jobs);
    // The count is kept in Redis for every instance.
    expect(await h.redis.zcard(`${h.prefix}:user:${USERS.alice.id}:runs`)).toBe(1);
  });

  it('finding 7: a member over their requests per minute is refused with the limit named, and nothing is queued', async () => {
    await start({ requests_per_minute_per_user: 3 });
    for (let i = 0; i < 3; i++) await h.client.command(`note n${i}`, USERS.bob);
    await waitFor('three notes done', () =>
      h.slack.state.channelMessages('C0OPS').filter((m) => m.text.includes('Noted in the audit'))
        .length >= 3
        ? true
        : undefined,
    );
    const jobs = await h.jobCount();
    await h.client.command('note one too many', USERS.bob);
    await waitFor('the refusal', () =>
      /You made 3 requests in the last minute, the limit per member \(`limits\.requests_per_minute_per_user`\)\. Try again in \d+ s\. Nothing was run\./.test(
        ephemeralTo(USERS.bob.id),
      ),
    );
    expect(await h.jobCount()).toBe(jobs);
  });
});

describe('limits in configuration', () => {
  it('finding 7: the limits have defaults', () => {
    expect(limitsSchema.parse({})).toEqual({
      runs_in_flight_per_user: 10,
      requests_per_minute_per_user: 30,
      mutating_runs_per_worker: 8,
      read_only_runs_per_worker: 8,
    });
  });
});
