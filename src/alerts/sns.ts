import { createVerify, type KeyObject, X509Certificate } from 'node:crypto';
import { get } from 'node:https';
import { z } from 'zod';
import { BadAlert } from './alert.ts';

/** The hosts SNS serves signing certificates and subscription URLs from. */
/** `sns.<region>.amazonaws.com` (or `.com.cn`), with a real region shape: never `sns.s3.amazonaws.com`. */
export const SNS_HOST = /^sns\.[a-z]{2}(?:-[a-z]+)+-\d\.amazonaws\.com(\.cn)?$/;
/** The path of an SNS signing certificate. */
export const SNS_CERT_PATH = /^\/SimpleNotificationService-[0-9a-f]+\.pem$/;
/** Messages older than this are refused, whatever their signature. */
export const MAX_SNS_AGE_MS = 60 * 60_000;
/** Signing certificates kept; the oldest is dropped past this. */
const MAX_CACHED_CERTS = 32;

const snsSchema = z
  .object({
    Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
    MessageId: z.string().min(1).max(128),
    TopicArn: z.string().min(1),
    Subject: z.string().optional(),
    Message: z.string(),
    Timestamp: z.string().min(1),
    SignatureVersion: z.enum(['1', '2']),
    Signature: z.string().min(1),
    SigningCertURL: z.string().min(1),
    SubscribeURL: z.string().optional(),
    Token: z.string().optional(),
    UnsubscribeURL: z.string().optional(),
  })
  .loose();

export type SnsMessage = z.infer<typeof snsSchema>;

/**
 * The signing certificate could not be fetched for a passing reason (network, timeout, a 5xx or
 * 429 from its host): the message may be genuine, so it is answered 5xx and SNS retries it. A
 * certificate its host does not have (4xx), or that is not one, is a refusal (401).
 */
export class CertificateUnavailable extends Error {}

export function parseSnsMessage(body: unknown): SnsMessage {
  const parsed = snsSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadAlert(`not an SNS message: ${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const message = parsed.data;
  if (message.Type !== 'Notification' && !message.SubscribeURL)
    throw new BadAlert(`not an SNS message: ${message.Type} without SubscribeURL`);
  return message;
}

/** The string SNS signs: `key\nvalue\n` pairs in a fixed order per message type. */
export function snsStringToSign(message: SnsMessage): string {
  const fields =
    message.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const record = message as Record<string, unknown>;
  return fields
    .filter((field) => typeof record[field] === 'string')
    .map((field) => `${field}\n${record[field]}\n`)
    .join('');
}

export interface SnsVerifierOptions {
  /**
   * Which certificate and subscription hosts are trusted. Strict by default (`sns.<region>.amazonaws.com`);
   * tests pass their own local host. Not reachable from configuration.
   */
  trustHost?: (host: string) => boolean;
  /** Extra CA for the certificate download (tests serve a self-signed certificate). */
  ca?: string;
}

/** A downloaded signing certificate: its public key and its validity period (ms since the epoch). */
interface SigningCertificate {
  key: KeyObject;
  validFrom: number;
  validTo: number;
}

/** A date of a certificate: `validFromDate`/`validToDate` where Node.js has them (22.10+), else parsed. */
function certificateTime(cert: X509Certificate, field: 'validFrom' | 'validTo'): number {
  const date = (cert as unknown as Record<string, unknown>)[`${field}Date`];
  return date instanceof Date ? date.getTime() : Date.parse(cert[field]);
}

function readCertificate(pem: string): SigningCertificate {
  const cert = new X509Certificate(pem);
  const validFrom = certificateTime(cert, 'validFrom');
  const validTo = certificateTime(cert, 'validTo');
  if (!Number.isFinite(validFrom) || !Number.isFinite(validTo))
    throw new Error('its validity period cannot be read');
  return { key: cert.publicKey, validFrom, validTo };
}

/** Why a certificate may not be used at `now` (outside its validity period), if it may not. */
function validityProblem(cert: SigningCertificate, now: number): string | undefined {
  if (now > cert.validTo)
    return `the SNS signing certificate expired on ${new Date(cert.validTo).toISOString()}`;
  if (now < cert.validFrom)
    return `the SNS signing certificate is not valid until ${new Date(cert.validFrom).toISOString()}`;
  return undefined;
}

/**
 * Verifies SNS signatures (SignatureVersion 1 = SHA1withRSA, 2 = SHA256withRSA) with cached
 * certificates, each used only within its validity period.
 */
export class SnsVerifier {
  private readonly certs = new Map<string, Promise<SigningCertificate>>();
  private readonly trustHost: (host: string) => boolean;

  constructor(private readonly options: SnsVerifierOptions = {}) {
    this.trustHost = options.trustHost ?? ((host) => SNS_HOST.test(host));
  }

  /** Returns undefined when the URL may be fetched (https, trusted host), else why not. */
  checkUrl(url: string | undefined, what: string): string | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url ?? '');
    } catch {
      return `${what} is not a URL`;
    }
    if (parsed.protocol !== 'https:') return `${what} is not https`;
    if (!this.trustHost(parsed.hostname))
      return `${what} host ${parsed.hostname} is not an SNS host`;
    if (what === 'SigningCertURL' && (!SNS_CERT_PATH.test(parsed.pathname) || parsed.search))
      return `${what} path ${parsed.pathname} is not an SNS signing certificate`;
    return undefined;
  }

  /**
   * Returns undefined when the message is genuine, else what is wrong. Throws
   * CertificateUnavailable when that cannot be told for now.
   */
  async verify(message: SnsMessage, now = Date.now()): Promise<string | undefined> {
    const sent = Date.parse(message.Timestamp ?? '');
    if (!Number.isFinite(sent)) return 'Timestamp is missing or not a date';
    if (now - sent > MAX_SNS_AGE_MS) return `Timestamp ${message.Timestamp} is over 1 hour old`;
    const urlProblem = this.checkUrl(message.SigningCertURL, 'SigningCertURL');
    if (urlProblem) return urlProblem;
    const url = message.SigningCertURL;
    const pending = this.certificate(url);
    let cert: SigningCertificate;
    try {
      cert = await pending;
    } catch (error) {
      if (error instanceof CertificateUnavailable) throw error;
      return `cannot load the signing certificate (${(error as Error).message})`;
    }
    // Checked at each use, so a cached certificate never outlives its validity. An expired one is
    // dropped from the cache: it can never become valid again, and the URL may serve a renewal.
    const invalid = validityProblem(cert, now);
    if (invalid) {
      if (now > cert.validTo && this.certs.get(url) === pending) this.certs.delete(url);
      return invalid;
    }
    const algorithm = message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256';
    const valid = createVerify(algorithm)
      .update(snsStringToSign(message), 'utf8')
      .verify(cert.key, message.Signature, 'base64');
    return valid ? undefined : 'signature does not match';
  }

  private certificate(url: string): Promise<SigningCertificate> {
    let cached = this.certs.get(url);
    if (!cached) {
      cached = download(url, this.options.ca).then(readCertificate);
      cached.catch(() => this.certs.delete(url));
      this.certs.set(url, cached);
      if (this.certs.size > MAX_CACHED_CERTS) this.certs.delete(this.certs.keys().next().value!);
    }
    return cached;
  }
}

const MAX_CERT_BYTES = 64 * 1024;

function download(url: string, ca?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get(url, { timeout: 5000, ...(ca ? { ca } : {}) }, (response) => {
      const status = response.statusCode ?? 0;
      if (status !== 200) {
        response.resume();
        const passing = status >= 500 || status === 429;
        reject(new (passing ? CertificateUnavailable : Error)(`HTTP ${status}`));
        return;
      }
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        if (text.length > MAX_CERT_BYTES) {
          reject(new Error('certificate too large'));
          request.destroy();
        }
      });
      response.on('end', () => resolve(text));
      response.on('error', (error) => reject(new CertificateUnavailable(error.message)));
    });
    request.on('timeout', () => request.destroy(new CertificateUnavailable('timed out')));
    request.on('error', (error) =>
      reject(
        error instanceof CertificateUnavailable ? error : new CertificateUnavailable(error.message),
      ),
    );
  });
}

/** Confirms a subscription: GET its SubscribeURL (only for allowed topics, only on a trusted host). */
export function confirmSubscription(url: string, ca?: string): Promise<void> {
  return download(url, ca).then(() => undefined);
}
