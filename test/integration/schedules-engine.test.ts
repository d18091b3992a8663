import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEDULES_QUEUE } from '../../src/schedules/engine.ts';
import { engineFor, fakeClock, poll, schedule, testRedis } from '../helpers/schedules.ts';

/** Real Redis and BullMQ job schedulers; a faked `Date` moves time instead of waiting. */
describe('schedules on BullMQ job schedulers', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function setup(start: string) {
    const r = testRedis();
    const clock = fakeClock(start, r);
    cleanups.push(async () => {
      clock.restore();
      await r.cleanup();
    });
    return { clock, r };
  }

  it('reconciles on start: adds, updates, removes; nothing fires twice', async () => {
    const { clock, r } = setup('2026-06-01T07:58:00Z');
    const first = engineFor(r, {
      a: schedule('0 8 * * *'),
      b: schedule('30 8 * * *'),
      c: schedule('0 9 * * *'),
    });
    expect(await first.engine.start()).toMatchObject({ added: ['a', 'b', 'c'] });
    await first.stop();

    // A restart with a changed config: a unchanged, b moved, c removed, d new, e disabled.
    const second = engineFor(r, {
      a: schedule('0 8 * * *'),
      b: schedule('45 8 * * *'),
      d: schedule('15 8 * * *'),
      e: schedule('0 8 * * *', { enabled: false }),
    });
    cleanups.push(second.stop);
    const result = await second.engine.start();
    expect(result).toEqual({ added: ['d'], updated: ['b'], removed: ['c'], kept: ['a'] });
    const next = await second.engine.nextRuns();
    expect([...next.keys()].sort()).toEqual(['a', 'b', 'd']);
    expect(new Date(next.get('b')!).toISOString()).toBe('2026-06-01T08:45:00.000Z');

    // A third start with the same config changes nothing.
    const third = engineFor(r, second.file.schedules, { worker: false });
    cleanups.push(third.stop);
    expect(await third.engine.start()).toMatchObject({ added: [], updated: [], removed: [] });

    // Through 08:50 each remaining schedule fires exactly once; the removed and old times never.
    for (const at of ['08:00:01', '08:15:01', '08:30:01', '08:45:01', '08:50:00']) {
      await clock.set(`2026-06-01T${at}Z`);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    await poll('three occurrences', () => second.submitted.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const keys = second.submitted.map((s) => s.submissionKey).sort();
    expect(keys).toEqual([
      `schedule:a:${Date.parse('2026-06-01T08:00:00Z')}`,
      `schedule:b:${Date.parse('2026-06-01T08:45:00Z')}`,
      `schedule:d:${Date.parse('2026-06-01T08:15:00Z')}`,
    ]);
    for (const s of second.submitted) {
      expect(s.requester).toMatch(/^schedule:[abd]$/);
      expect(s).toMatchObject({ command: 'probe', channel: 'C0OPS', source: 'schedule' });
    }
  });

  it('catch-up after downtime runs the latest missed occurrence once and marks it late', async () => {
    const { clock, r } = setup('2026-06-01T07:50:00Z');
    const before = engineFor(r, { hourly: schedule('0 * * * *') }, { worker: false });
    await before.engine.start();
    await before.stop();
    // Every worker is down from 07:50 until 11:20: the 08, 09, 10 and 11 o'clock runs are missed.
    await clock.set('2026-06-01T11:20:00Z');
    const after = engineFor(r, { hourly: schedule('0 * * * *') });
    cleanups.push(after.stop);
    expect(await after.engine.start()).toMatchObject({ kept: ['hourly'] });
    await poll('the catch-up run', () => after.submitted.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(after.submitted).toHaveLength(1);
    const occurrence = Date.parse('2026-06-01T11:00:00Z');
    expect(after.submitted[0]!.submissionKey).toBe(`schedule:hourly:${occurrence}`);
    const store = after.engine as unknown as {
      deps: { store: import('../../src/schedules/store.ts').ScheduleStore };
    };
    const last = await store.deps.store.last('hourly');
    expect(last?.occurrence).toBe(occurrence);
    // 20 minutes late (and a little real time while the worker started).
    expect(last?.lateMs).toBeGreaterThanOrEqual(20 * 60_000);
    expect(last?.lateMs).toBeLessThan(21 * 60_000);
    // The next one is on time again, at 12:00, and only once.
    expect(new Date((await after.engine.nextRuns()).get('hourly')!).toISOString()).toBe(
      '2026-06-01T12:00:00.000Z',
    );
  });

  it('DST: a daily 02:30 in Europe/Oslo fires once on each transition day', async () => {
    const { clock, r } = setup('2026-03-27T12:00:00Z');
    const oslo = { nightly: schedule('30 2 * * *', { timezone: 'Europe/Oslo' }) };
    const bot = engineFor(r, oslo);
    cleanups.push(bot.stop);
    await bot.engine.start();
    const fired: number[] = [];
    // Step the clock to each next occurrence BullMQ holds, through both transitions of 2026.
    const stepThrough = async (until: string) => {
      for (;;) {
        const next = (await bot.engine.nextRuns()).get('nightly')!;
        if (next > Date.parse(until)) return;
        await clock.set(next + 1000);
        await poll(
          `the run at ${new Date(next).toISOString()}`,
          () => bot.submitted.length > fired.length,
        );
        fired.push(Number(bot.submitted.at(-1)!.submissionKey.split(':').at(-1)));
      }
    };
    await stepThrough('2026-03-31T00:00:00Z');
    await clock.set('2026-10-23T12:00:00Z');
    // Moving the clock months ahead makes BullMQ's held occurrence a catch-up; fire it first.
    await poll('the catch-up run', () => bot.submitted.length > fired.length);
    fired.push(Number(bot.submitted.at(-1)!.submissionKey.split(':').at(-1)));
    await stepThrough('2026-10-28T00:00:00Z');
    const iso = fired.map((ms) => new Date(ms).toISOString());
    expect(iso).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:30:00.000Z', // spring forward: 02:30 does not exist; fires once, at 03:30 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
      '2026-10-23T00:30:00.000Z', // the catch-up (latest missed occurrence)
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z', // fall back: 02:30 happens twice; fires once, at the first
      '2026-10-26T01:30:00.000Z', // 02:30 CET
      '2026-10-27T01:30:00.000Z',
    ]);
  });

  it('pause state lives in Redis: a paused schedule skips its occurrence, resume restores it', async () => {
    const { clock, r } = setup('2026-06-01T07:59:00Z');
    const bot = engineFor(r, { a: schedule('* * * * *') });
    cleanups.push(bot.stop);
    await bot.engine.start();
    const store = new (await import('../../src/schedules/store.ts')).ScheduleStore(r.redis, r.keys);
    expect(await store.setPaused('a', true)).toBe(true);
    await clock.set('2026-06-01T08:00:01Z');
    await poll('the 08:01 occurrence is held', async () => {
      const next = (await bot.engine.nextRuns()).get('a');
      return next === Date.parse('2026-06-01T08:01:00Z');
    });
    // BullMQ holds the 08:01 occurrence as soon as the 08:00 one starts, before the engine has read
    // the pause: resuming now could let 08:00 run. Wait until its job ended, skipped as paused.
    const occurrences = new Queue(SCHEDULES_QUEUE, { connection: r.redis, prefix: r.prefix });
    cleanups.push(() => occurrences.close());
    await poll('the 08:00 occurrence skipped as paused', async () =>
      (await occurrences.getCompleted()).some(
        (job) => (job.returnvalue as { skipped?: string } | null)?.skipped === 'paused',
      ),
    );
    expect(bot.submitted).toHaveLength(0);
    expect(await store.setPaused('a', false)).toBe(true);
    await clock.set('2026-06-01T08:01:01Z');
    await poll('the 08:01 run', () => bot.submitted.length === 1);
    expect(bot.submitted[0]!.submissionKey).toBe(
      `schedule:a:${Date.parse('2026-06-01T08:01:00Z')}`,
    );
  });
});
