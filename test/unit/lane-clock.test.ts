import { afterEach, describe, expect, it, vi } from 'vitest';
import { Lane, type LaneWait } from '../../src/notify/lane.ts';

/**
 * Node's timers and Date.now() are different clocks: a setTimeout of `ms` may fire when Date.now()
 * has moved a little less than `ms` (measured here: about one in seven short timers under no
 * load). The lane reads Date.now() to know whether Slack's Retry-After is over, so a timer that
 * fired early must not count as a second Retry-After wait (seen as outbox-run-posts failing in
 * a full run on a loaded machine).
 */
describe('a lane waiting out Retry-After when its timer fires before Date.now() reaches the end', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('waits once, for Retry-After, and sends the refused call when the pause is over', async () => {
    let clock = 1_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const waits: { reason: LaneWait; ms: number }[] = [];
    const lane = new Lane({
      intervalMs: 0,
      onError: (error) => {
        throw error;
      },
      onWait: (reason, ms) => waits.push({ reason, ms }),
    });
    let attempts = 0;
    const sent = lane.run(async () => {
      attempts += 1;
      if (attempts === 1) throw Object.assign(new Error('ratelimited'), { retryAfter: 1 });
      return 'ok';
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(waits).toEqual([{ reason: 'retry-after', ms: 1000 }]);
    // The timer fires after its 1000 ms while Date.now() has moved 999.
    clock += 999;
    await vi.advanceTimersByTimeAsync(1000);
    expect(attempts).toBe(1);
    clock += 1;
    await vi.advanceTimersByTimeAsync(1);
    await expect(sent).resolves.toBe('ok');
    expect(attempts).toBe(2);
    expect(waits).toEqual([{ reason: 'retry-after', ms: 1000 }]);
  });
});
