import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/alerts/webhook.ts';
import {
  ALERT_ENV,
  alertsFile,
  freshTimestamp,
  parentFor,
  WEBHOOK_SECRET,
} from '../helpers/alerts.ts';
import { type Harness, startHarness, waitFor } from '../helpers/harness.ts';

/**
 * The generic webhook's signature is HMAC-SHA256 over `v0:<timestamp>:<body>` with the body as the
 * bytes sent. A body that is not UTF-8 is still verified over those bytes, then refused with a 400
 * that says what is wrong with it (not a misleading "signature does not match").
 */

/** Signs raw bytes the way any sender does (`openssl dgst -hmac` over the bytes it posts). */
function signBytes(body: Uint8Array, timestamp: number, secret = WEBHOOK_SECRET) {
  const mac = createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`v0:${timestamp}:`), body]))
    .digest('hex');
  return { 'x-opsbot-request-timestamp': String(timestamp), 'x-opsbot-signature': `v0=${mac}` };
}

const post = (h: Harness, body: Uint8Array | string, headers: Record<string, string>) =>
  fetch(`${h.baseUrl}/alerts/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    // The bytes exactly as given (copied into a plain ArrayBuffer for fetch's types).
    body: typeof body === 'string' ? body : new Uint8Array(body).buffer,
  });

/** `{"source":"uptime",…,"summary":"Caf<0xE9> down"}`: Latin-1, not UTF-8. */
const latin1Body = (key: string) =>
  Buffer.concat([
    Buffer.from(`{"source":"uptime","key":"${key}","status":"firing","summary":"Caf`),
    Buffer.from([0xe9]),
    Buffer.from(' down"}'),
  ]);

describe('generic webhook: the signature covers the raw bytes', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ file: alertsFile(), env: ALERT_ENV, alerts: { postIntervalMs: 20 } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a genuinely signed body that is not UTF-8 gets a 400 saying so, and opens nothing', async () => {
    const body = latin1Body('raw-latin1');
    const response = await post(h, body, signBytes(body, freshTimestamp()));
    expect(response.status).toBe(400);
    const answer = await response.json();
    expect(answer.error).toBe('bad_request');
    expect(answer.reason).toMatch(/UTF-8/);
    expect(answer.reason).not.toMatch(/signature/);
    expect(
      (await h.bot.alerts.store.listOpen()).some((i) => i.key === 'webhook:uptime:raw-latin1'),
    ).toBe(false);
  });

  it('the same body with a wrong signature is still a 401', async () => {
    const body = latin1Body('raw-forged');
    const response = await post(
      h,
      body,
      signBytes(body, freshTimestamp(), 'another-secret-0123456789'),
    );
    expect(response.status).toBe(401);
    expect((await response.json()).reason).toMatch(/does not match/);
  });

  it('a signed UTF-8 body (multi-byte characters) is accepted; signWebhook is unchanged for strings', async () => {
    const text = JSON.stringify({
      source: 'uptime',
      key: 'raw-utf8',
      status: 'firing',
      summary: 'Café 東京 ✓ down',
    });
    const timestamp = freshTimestamp();
    const headers = signWebhook(WEBHOOK_SECRET, text, timestamp);
    expect(headers).toEqual(signBytes(Buffer.from(text, 'utf8'), timestamp));
    expect(signWebhook(WEBHOOK_SECRET, Buffer.from(text, 'utf8'), timestamp)).toEqual(headers);
    expect((await post(h, text, headers)).status).toBe(202);
    await waitFor('the parent', () => parentFor(h, 'Café 東京 ✓ down'));
  });

  it('a signed body that is UTF-8 but not JSON still gets the 400 naming JSON', async () => {
    const body = Buffer.from('{"source": nope', 'utf8');
    const response = await post(h, body, signBytes(body, freshTimestamp()));
    expect(response.status).toBe(400);
    expect((await response.json()).reason).toMatch(/not JSON/);
  });
});
