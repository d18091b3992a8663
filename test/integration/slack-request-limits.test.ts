import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, USERS } from '../helpers/harness.ts';

/** Findings 9 and 10 of issue 16, on a real bot over HTTP with correctly signed requests. */
let h: Awaited<ReturnType<typeof startHarness>>;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('findings 9 and 10: Slack request limits', () => {
  it('finding 10: a correctly signed Slack body over 256 KB is refused with 413 before its signature is read', async () => {
    const big = `token=x&text=${'a'.repeat(300 * 1024)}`;
    const response = await h.client.send(big, 'application/x-www-form-urlencoded');
    expect(response.status).toBe(413);
  });

  it('finding 9: a correctly signed Slack request dated 24 h in the future is refused', async () => {
    const response = await h.client.command('ping', USERS.alice, {
      timestamp: Math.floor(Date.now() / 1000) + 24 * 3600,
    });
    expect(response.status).toBe(401);
  });

  it('finding 9: a request dated now is still taken', async () => {
    const response = await h.client.command('ping', USERS.alice);
    expect(response.status).toBe(200);
  });
});
