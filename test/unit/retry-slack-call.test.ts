import { describe, expect, it } from 'vitest';
import { RetriesSpent, retrySlackCall, worthRetrying } from '../../src/notify/retry-after.ts';

/** Errors shaped as the WebClient rejects them (a 429 with `retryAfter`, a refusal with `data`). */
const rateLimited = (retryAfter: number) => Object.assign(new Error('ratelimited'), { retryAfter });
const refused = (error: string) =>
  Object.assign(new Error(`An API error occurred: ${error}`), { data: { ok: false, error } });
const noAnswer = () => new Error('socket hang up');

/** A call that fails with each of `failures` in turn, then resolves to 'done'; counts its calls. */
function failing(...failures: Error[]) {
  const calls = { count: 0 };
  const call = async () => {
    const failure = failures[calls.count++];
    if (failure) throw failure;
    return 'done';
  };
  return { call, calls };
}

const options = { attempts: 5, backoffMs: 1, until: Date.now() + 60_000 };

describe('retrySlackCall', () => {
  it('waits out a 429 and retries no answer, a 5xx or Slack’s "not now" until the call goes', async () => {
    const { call, calls } = failing(
      rateLimited(0),
      noAnswer(),
      refused('internal_error'),
      refused('fatal_error'),
    );
    await expect(retrySlackCall(call, options)).resolves.toBe('done');
    expect(calls.count).toBe(5);
  });

  it('does not retry a refusal asking again will not change', async () => {
    for (const code of [
      'restricted_action',
      'missing_scope',
      'invalid_name_specials',
      'name_taken',
    ]) {
      const { call, calls } = failing(refused(code));
      await expect(retrySlackCall(call, options)).rejects.toMatchObject({ data: { error: code } });
      expect(calls.count).toBe(1);
      expect(worthRetrying(refused(code))).toBe(false);
    }
  });

  it('gives up after `attempts` calls with the last failure', async () => {
    const { call, calls } = failing(...Array.from({ length: 9 }, noAnswer));
    const error = await retrySlackCall(call, { ...options, attempts: 3 }).catch((e) => e);
    expect(error).toBeInstanceOf(RetriesSpent);
    expect(error).toMatchObject({ attempts: 3, message: 'socket hang up (3 attempts)' });
    expect(calls.count).toBe(3);
  });

  it('gives up rather than wait past `until`', async () => {
    const { call, calls } = failing(rateLimited(120));
    const error = await retrySlackCall(call, options).catch((e) => e);
    expect(error).toMatchObject({ attempts: 1, cause: { retryAfter: 120 } });
    expect(calls.count).toBe(1);
  });

  it('stops waiting when its signal aborts, and asks nothing more', async () => {
    const stopping = new AbortController();
    const { call, calls } = failing(rateLimited(30));
    const retried = retrySlackCall(call, {
      ...options,
      until: Date.now() + 600_000,
      signal: stopping.signal,
    });
    stopping.abort();
    await expect(retried).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls.count).toBe(1);
  });
});
