import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSnsMessage, SnsVerifier } from '../../src/alerts/sns.ts';

/**
 * Messages SNS really signed (us-west-2, March 2026; copied from the test resources of AWS's own
 * SNS message manager, aws/aws-sdk-java-v2 services-custom/sns-message-manager) and the real
 * signing certificate they name. The certificate is served from a local HTTPS host, since
 * SigningCertURL is not part of the signed string; everything else is byte for byte as SNS sent it.
 */

const fixture = (name: string) =>
  readFileSync(`test/fixtures/alerts-fidelity-aws-sns-${name}`, 'utf8');
const CERT_PATH = '/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem';

let server: Server;
let certUrl: string;
let ca: string;

beforeAll(async () => {
  const tls = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  ca = tls.cert;
  const awsCert = fixture('signing-cert.pem');
  server = createServer({ key: tls.private, cert: tls.cert }, (req, res) => {
    if (req.url === CERT_PATH) res.writeHead(200).end(awsCert);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  certUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}${CERT_PATH}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('alerts fidelity: signatures SNS really made', () => {
  const cases = [
    ['notification-no-subject', 'SignatureVersion 1, no Subject (left out of the string to sign)'],
    ['notification-with-subject', 'SignatureVersion 1, with Subject'],
    ['notification-signature-v2', 'SignatureVersion 2 (SHA256withRSA)'],
    ['subscription-confirmation', 'SubscriptionConfirmation (SubscribeURL, Token)'],
    ['unsubscribe-confirmation', 'UnsubscribeConfirmation, SignatureVersion 2'],
  ] as const;

  for (const [name, what] of cases) {
    it(`verifies ${what}, and refuses it once a signed field changes`, async () => {
      const verifier = new SnsVerifier({ trustHost: (host) => host === '127.0.0.1', ca });
      const real = JSON.parse(fixture(`${name}.json`)) as Record<string, string>;
      expect(real.SigningCertURL).toBe(`https://sns.us-west-2.amazonaws.com${CERT_PATH}`);
      const message = parseSnsMessage({ ...real, SigningCertURL: certUrl });
      const sentAt = Date.parse(message.Timestamp);
      expect(await verifier.verify(message, sentAt + 60_000)).toBeUndefined();
      const tampered = parseSnsMessage({ ...message, Message: `${message.Message} ` });
      expect(await verifier.verify(tampered, sentAt + 60_000)).toBe('signature does not match');
      // The real URL passes the strict host and path checks of the default verifier.
      expect(new SnsVerifier().checkUrl(real.SigningCertURL, 'SigningCertURL')).toBeUndefined();
    });
  }
});

describe('alerts fidelity: certificate and subscription URLs that only look like SNS', () => {
  const strict = new SnsVerifier();
  const PEM = '/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem';

  it('refuses lookalike hosts, userinfo tricks, http and non-certificate paths', () => {
    for (const url of [
      `https://sns.us-east-1.amazonaws.com.evil.com${PEM}`,
      `https://sns.us-east-1.amazonaws.com@evil.example${PEM}`,
      `https://sns.us-east-1.amazonaws.com:443@evil.example${PEM}`,
      `https://evil.example#@sns.us-east-1.amazonaws.com${PEM}`,
      `https://evil.example?@sns.us-east-1.amazonaws.com${PEM}`,
      `https://sns.us-east-1.amazonaws.com.${PEM}`,
      `https://sns-us-east-1.amazonaws.com${PEM}`,
      `https://sns.us-east-1.amazonaws.co${PEM}`,
      `http://sns.us-east-1.amazonaws.com${PEM}`,
      'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem?x=/evil.pem',
      `https://sns.us-east-1.amazonaws.com\\@evil.example${PEM}`,
    ])
      expect(strict.checkUrl(url, 'SigningCertURL'), url).toBeDefined();
  });

  it('accepts the real shapes, in any partition with a public SNS host', () => {
    for (const url of [
      `https://sns.us-west-2.amazonaws.com${PEM}`,
      `https://sns.us-gov-west-1.amazonaws.com${PEM}`,
      `https://sns.cn-northwest-1.amazonaws.com.cn${PEM}`,
      `HTTPS://SNS.EU-WEST-1.AMAZONAWS.COM${PEM}`,
    ])
      expect(strict.checkUrl(url, 'SigningCertURL'), url).toBeUndefined();
    const subscribe =
      'https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:131990247566:dongie-standard-topic&Token=2336';
    expect(strict.checkUrl(subscribe, 'SubscribeURL')).toBeUndefined();
    expect(strict.checkUrl(subscribe.replace('https:', 'http:'), 'SubscribeURL')).toMatch(
      /not https/,
    );
    expect(
      strict.checkUrl(
        subscribe.replace('sns.us-west-2.amazonaws.com', 'sns.evil.example'),
        'SubscribeURL',
      ),
    ).toMatch(/not an SNS host/);
  });
});
