import { createSign, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SnsMessage, SnsVerifier, snsStringToSign } from '../../src/alerts/sns.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';
import { postSns } from '../helpers/sns.ts';

/**
 * The SNS signing certificate is used only within its validity period: one that has expired or
 * is not valid yet is refused like a signature that does not match (401), and a certificate kept
 * in the verifier's cache is checked again at each use, so it never outlives its validity.
 * The certificates are generated (selfsigned, as test/helpers/sns.ts does) with the dates each
 * case needs and served over local HTTPS, where the SigningCertURL points.
 */

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ops-alerts';
const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** A time `offset` ms from now, in whole seconds (what a certificate's dates hold). */
const fromNow = (offset: number) => new Date(Math.floor((Date.now() + offset) / 1000) * 1000);

type Pems = Awaited<ReturnType<typeof generate>>;

/** A signing certificate valid from `from` to `until`, with `keys` (a new pair when not given). */
const signingCert = (from: Date, until: Date, keys?: Pems) =>
  generate([{ name: 'commonName', value: 'sns.amazonaws.com' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: from,
    notAfterDate: until,
    ...(keys ? { keyPair: { privateKey: keys.private, publicKey: keys.public } } : {}),
  });

let server: Server;
let base: string;
let tlsCa: string;
/** What the local host serves, by path (changed by the cases that renew a certificate). */
const served = new Map<string, string>();

beforeAll(async () => {
  const tls = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  tlsCa = tls.cert;
  server = createServer({ key: tls.private, cert: tls.cert }, (req, res) => {
    const pem = served.get(req.url ?? '');
    if (pem) res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(pem);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** Serves `pems.cert` at a SigningCertURL of its own; returns the URL. */
function serve(pems: Pems, hex = randomUUID().replace(/-/g, '')): string {
  const path = `/SimpleNotificationService-${hex}.pem`;
  served.set(path, pems.cert);
  return `${base}${path}`;
}

/** A notification signed as SNS signs it (SignatureVersion 2), sent at `sentAt`. */
function notification(
  pems: Pems,
  certUrl: string,
  sentAt = Date.now(),
  message = '{}',
): SnsMessage {
  const unsigned = {
    Type: 'Notification' as const,
    MessageId: randomUUID(),
    TopicArn: TOPIC,
    Message: message,
    Timestamp: new Date(sentAt).toISOString(),
    SignatureVersion: '2' as const,
    SigningCertURL: certUrl,
  };
  const Signature = createSign('RSA-SHA256')
    .update(snsStringToSign({ ...unsigned, Signature: '' }))
    .sign(pems.private, 'base64');
  return { ...unsigned, Signature };
}

const verifier = () => new SnsVerifier({ trustHost: (host) => host === '127.0.0.1', ca: tlsCa });

describe('SNS signing certificate validity period', () => {
  it('refuses a correctly signed message whose certificate has expired, naming when', async () => {
    const until = fromNow(-2 * DAY);
    const expired = await signingCert(fromNow(-400 * DAY), until);
    const message = notification(expired, serve(expired));
    const problem = await verifier().verify(message);
    expect(problem).toBe(`the SNS signing certificate expired on ${until.toISOString()}`);
  });

  it('refuses a certificate that is not valid yet, naming from when', async () => {
    const from = fromNow(2 * DAY);
    const early = await signingCert(from, fromNow(400 * DAY));
    const problem = await verifier().verify(notification(early, serve(early)));
    expect(problem).toBe(`the SNS signing certificate is not valid until ${from.toISOString()}`);
  });

  it('checks a cached certificate again at each use: it is refused once it has expired', async () => {
    const now = Date.now();
    const until = fromNow(HOUR);
    const pems = await signingCert(fromNow(-DAY), until);
    const url = serve(pems);
    const check = verifier();
    expect(await check.verify(notification(pems, url, now), now)).toBeUndefined();
    // Two hours on, a fresh message from the same URL: its key is cached, its certificate expired.
    const later = now + 2 * HOUR;
    expect(await check.verify(notification(pems, url, later), later)).toBe(
      `the SNS signing certificate expired on ${until.toISOString()}`,
    );
    // An expired certificate is not kept: once the URL serves a renewed one, it is used.
    const renewed = await signingCert(fromNow(-DAY), fromNow(400 * DAY), pems);
    served.set(new URL(url).pathname, renewed.cert);
    expect(await check.verify(notification(pems, url, later), later)).toBeUndefined();
  });

  it('still takes a certificate within its validity period', async () => {
    const pems = await signingCert(fromNow(-DAY), fromNow(30 * DAY));
    const url = serve(pems);
    expect(await verifier().verify(notification(pems, url))).toBeUndefined();
  });
});

describe('POST /alerts/sns with an expired signing certificate', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      alerts: { sns: { trustHost: (host) => host === '127.0.0.1', ca: tlsCa } },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('is refused with 401 like any other verification failure, and opens nothing', async () => {
    const until = fromNow(-DAY);
    const expired = await signingCert(fromNow(-30 * DAY), until);
    const alarm = JSON.stringify({
      AlarmName: 'expired-cert-alarm',
      NewStateValue: 'ALARM',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:expired-cert-alarm',
    });
    const response = await postSns(
      h.baseUrl,
      notification(expired, serve(expired), Date.now(), alarm),
    );
    expect(response.status).toBe(401);
    expect((await response.json()).reason).toBe(
      `SNS signature: the SNS signing certificate expired on ${until.toISOString()}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await h.bot.alerts.store.listOpen()).toEqual([]);
  });
});
