import { describe, expect, it } from 'vitest';
import { Lane } from '../../src/notify/lane.ts';

/** A Slack call the test ends by hand: `calls` lists the ones started, in start order. */
function manualCalls() {
  const started: { name: string; ok: () => void; refuse: (retryAfter: number) => void }[] = [];
  const call = (name: string) => () =>
    new Promise<string>((resolve, reject) => {
      started.push({
        name,
        ok: () => resolve(name),
        refuse: (retryAfter) =>
          reject(Object.assign(new Error('ratelimited'), { retryAfter: retryAfter / 1000 })),
      });
    });
  const names = () => started.map((s) => s.name);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
  const startedCount = async (n: number) => {
    while (started.length < n) await settle();
  };
  return { call, started, names, settle, startedCount };
}

const lane = (eagerInFlight: number) =>
  new Lane({
    intervalMs: 0,
    eagerInFlight,
    onError: (error) => {
      throw error;
    },
  });

describe('a lane with several eager calls in flight', () => {
  it('starts eager calls at once up to its limit, and the next as soon as one ends', async () => {
    const { call, started, names, settle } = manualCalls();
    const l = lane(3);
    const results = ['a', 'b', 'c', 'd', 'e'].map((name) => l.run(call(name), 'eager'));
    await settle();
    // Three round trips overlap; the fourth waits for a call to end, not for all of them.
    expect(names()).toEqual(['a', 'b', 'c']);
    started[1]!.ok();
    await settle();
    expect(names()).toEqual(['a', 'b', 'c', 'd']);
    for (const s of started) s.ok();
    await settle();
    for (const s of started) s.ok();
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd', 'e']);
    await l.idle();
    expect(l.size).toBe(0);
  });

  it('sends paced calls one at a time, and no eager call beside a paced one', async () => {
    const { call, started, names, settle } = manualCalls();
    const l = lane(8);
    const done = [l.run(call('paced 1')), l.run(call('paced 2')), l.run(call('run'), 'eager')];
    await settle();
    expect(names()).toEqual(['paced 1']);
    started[0]!.ok();
    await settle();
    // The eager call goes first once the lane has room; the next paced call may go beside it.
    expect(names()).toEqual(['paced 1', 'run', 'paced 2']);
    for (const s of started) s.ok();
    await Promise.all(done);
  });

  it('after a 429 on calls in flight, retries the refused ones first in ask order, then one at a time', async () => {
    const { call, started, names, settle, startedCount } = manualCalls();
    const l = lane(4);
    const results = ['a', 'b', 'c'].map((name) => l.run(call(name), 'eager'));
    await settle();
    expect(names()).toEqual(['a', 'b', 'c']);
    // Slack refuses c, then a (Retry-After 250 ms); b lands. Two more calls are asked meanwhile.
    started[2]!.refuse(250);
    started[0]!.refuse(250);
    started[1]!.ok();
    const later = ['d', 'e'].map((name) => l.run(call(name), 'eager'));
    await settle();
    expect(names()).toEqual(['a', 'b', 'c']);
    // After Retry-After: a, then c (ask order), then d, then e, each alone in flight.
    for (const i of [0, 1, 2, 3]) {
      await startedCount(4 + i);
      await settle();
      expect(names().slice(3)).toEqual(['a', 'c', 'd', 'e'].slice(0, i + 1));
      started.at(-1)!.ok();
    }
    await expect(Promise.all([...results, ...later])).resolves.toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
