import { describe, expect, it, vi } from 'vitest';
import { Outbox } from '../../src/incidents/outbox.ts';

/**
 * `idle()` is raced against a timeout at shutdown (src/incidents/start.ts), then the outbox is
 * closed. The abandoned `idle()` kept looping over lanes that had stopped with calls still queued:
 * a loop of resolved promises that never yields to timers or I/O, so the process hung at full CPU.
 * Each check of `pending()` is counted here, so that loop fails the test instead of hanging it.
 */
function countingChecks(outbox: Outbox, limit: number) {
  const pending = outbox.pending.bind(outbox);
  let checks = 0;
  vi.spyOn(outbox, 'pending').mockImplementation(() => {
    checks += 1;
    if (checks > limit) throw new Error(`idle() checked the queue ${checks} times without waiting`);
    return pending();
  });
}

describe('Outbox.close while idle() is waiting', () => {
  it('ends the wait and drops the queued posts instead of looping over them', async () => {
    const outbox = new Outbox({ postIntervalMs: 1000 });
    countingChecks(outbox, 10_000);
    const sent: string[] = [];
    let finishFirst: () => void = () => {};
    outbox.post('C1', async () => {
      await new Promise<void>((resolve) => {
        finishFirst = resolve;
      });
      sent.push('first');
    });
    outbox.post('C1', async () => {
      sent.push('second');
    });
    const waiting = outbox.idle();
    outbox.close();
    finishFirst();
    await waiting;
    expect(sent).toEqual(['first']);
    expect(outbox.pending()).toBe(0);
    await outbox.idle();
  });
});
