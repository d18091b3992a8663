import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/sdk/index.ts';

describe('sleep (the project helper, also in the SDK for commands)', () => {
  it('waits the time it is given', async () => {
    const started = Date.now();
    await sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('returns when its signal aborts, without throwing', async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    controller.abort();
    await expect(slept).resolves.toBeUndefined();
  });

  it('returns at once for a signal that already aborted', async () => {
    await expect(sleep(60_000, AbortSignal.abort())).resolves.toBeUndefined();
  });
});
