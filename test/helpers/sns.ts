import { createSign, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { type SnsMessage, snsStringToSign } from '../../src/alerts/sns.ts';

/**
 * A stand-in for SNS: a test key and certificate (selfsigned) served over local HTTPS, which signs
 * messages the way SNS does and records subscription confirmations (GET SubscribeURL).
 */
export async function startFakeSns() {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const confirmed: string[] = [];
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    if (req.url === '/SimpleNotificationService-0123456789abcdef.pem') {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(pems.cert);
    } else if (req.url?.startsWith('/confirm')) {
      confirmed.push(req.url);
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<ConfirmSubscriptionResponse/>');
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const certUrl = `${base}/SimpleNotificationService-0123456789abcdef.pem`;

  function sign(message: Omit<SnsMessage, 'Signature'>): SnsMessage {
    const algorithm = message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256';
    const signature = createSign(algorithm)
      .update(snsStringToSign(message as SnsMessage))
      .sign(pems.private, 'base64');
    return { ...message, Signature: signature } as SnsMessage;
  }

  return {
    ca: pems.cert,
    certUrl,
    base,
    confirmed,
    notification(
      topicArn: string,
      alarm: string,
      version: '1' | '2' = '2',
      messageId = randomUUID(),
    ) {
      return sign({
        Type: 'Notification',
        MessageId: messageId,
        TopicArn: topicArn,
        Subject: 'ALARM: "x" in US East (N. Virginia)',
        Message: alarm,
        Timestamp: new Date().toISOString(),
        SignatureVersion: version,
        SigningCertURL: certUrl,
        UnsubscribeURL: `${base}/unsubscribe`,
      });
    },
    subscription(topicArn: string) {
      const token = randomUUID().replace(/-/g, '');
      return sign({
        Type: 'SubscriptionConfirmation',
        MessageId: randomUUID(),
        TopicArn: topicArn,
        Message: `You have chosen to subscribe to the topic ${topicArn}.`,
        Timestamp: new Date().toISOString(),
        SignatureVersion: '2',
        SigningCertURL: certUrl,
        SubscribeURL: `${base}/confirm?Action=ConfirmSubscription&Token=${token}`,
        Token: token,
      });
    },
    resign: sign,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeSns = Awaited<ReturnType<typeof startFakeSns>>;

export function postSns(baseUrl: string, message: SnsMessage | Record<string, unknown>) {
  return fetch(`${baseUrl}/alerts/sns`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': String(message.Type),
    },
    body: JSON.stringify(message),
  });
}
