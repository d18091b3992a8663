import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnsVerifier } from '../../src/alerts/sns.ts';
import { startFakeSns } from '../helpers/sns.ts';

/** Finding 8 of issue 16: SNS certificate URL shape and message age. */
let sns: Awaited<ReturnType<typeof startFakeSns>>;
beforeAll(async () => {
  sns = await startFakeSns();
});
afterAll(async () => {
  await sns?.stop();
});

describe('finding 8: SNS intake checks', () => {
  const real = new SnsVerifier();

  it('finding 8: a certificate host that only looks like SNS (sns.s3.amazonaws.com) is refused', () => {
    expect(
      real.checkUrl(
        'https://sns.s3.amazonaws.com/SimpleNotificationService-0123abcd.pem',
        'SigningCertURL',
      ),
    ).toMatch(/not an SNS host/);
    expect(
      real.checkUrl(
        'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123abcd.pem',
        'SigningCertURL',
      ),
    ).toBeUndefined();
  });

  it('finding 8: a certificate path other than /SimpleNotificationService-<hex>.pem is refused', () => {
    for (const path of [
      '/evil.pem',
      '/SimpleNotificationService-xyz.pem',
      '/a/SimpleNotificationService-01.pem',
    ])
      expect(
        real.checkUrl(`https://sns.us-east-1.amazonaws.com${path}`, 'SigningCertURL'),
        path,
      ).toMatch(/not an SNS signing certificate/);
  });

  it('finding 8: a correctly signed message with a Timestamp over 1 hour old is refused', async () => {
    const verifier = new SnsVerifier({ trustHost: (h) => h === '127.0.0.1', ca: sns.ca });
    const fresh = sns.notification('arn:aws:sns:us-east-1:1:t', '{}');
    expect(await verifier.verify(fresh)).toBeUndefined();
    const { Signature: _s, ...unsigned } = fresh;
    const old = sns.resign({
      ...unsigned,
      Timestamp: new Date(Date.now() - 2 * 3600_000).toISOString(),
    });
    expect(await verifier.verify(old)).toMatch(/over 1 hour old/);
  });
});
