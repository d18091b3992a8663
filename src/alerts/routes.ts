import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HttpServer, sendJson } from '../http/server.ts';
import type { Logger } from '../log.ts';
import { metrics } from '../metrics/metrics.ts';
import { type Alert, BadAlert } from './alert.ts';
import { type AlertmanagerNotification, readAlertmanager } from './alertmanager.ts';
import { declaresJson, decodeUtf8, parseJson, readLimitedBody, readLimitedBytes } from './body.ts';
import { type WebhookReplays, webhookDeliveryId } from './replays.ts';
import { CertificateUnavailable, parseSnsMessage, type SnsVerifier } from './sns.ts';
import { parseSnsAlarm } from './sns-alarm.ts';
import { parseGenericWebhook, verifyWebhook, WEBHOOK_SIGNATURE_HEADER } from './webhook.ts';

/**
 * One inbound delivery of one alert. `id` dedupes redeliveries: SNS `MessageId`, an Alertmanager
 * firing's identity (fingerprint, status, `startsAt`), a webhook's signature; else unique.
 */
export interface Delivery {
  id: string;
  alert: Alert;
  receivedAt: number;
  /**
   * Alertmanager: how many alerts of this alert's group its notification left out (`max_alerts`),
   * shown on the incident. Undefined when the source does not say.
   */
  truncatedAlerts?: number;
}

/** Where the endpoints hand work to (the incidents queue). Must only enqueue: answers wait on it. */
export interface AlertIntake {
  enqueueDeliveries(deliveries: Delivery[]): Promise<void>;
  enqueueConfirmation(confirmation: {
    topicArn: string;
    url: string;
    messageId: string;
  }): Promise<void>;
}

export interface AlertRoutesDeps {
  intake: AlertIntake;
  sns: SnsVerifier;
  allowedTopicArns: string[];
  webhookSecret?: string;
  /**
   * Signatures already received, so a replayed webhook is answered 409. Without it a replay is
   * still never counted twice (its delivery id comes from its signature), only answered 202.
   */
  webhookReplays?: WebhookReplays;
  alertmanagerToken?: string;
  log: Logger;
}

/** Mounts `POST /alerts/sns`, `/alerts/alertmanager` (also PUT, for Grafana) and `/alerts/webhook`. */
export function mountAlertRoutes(http: HttpServer, deps: AlertRoutesDeps) {
  http.route(
    'POST',
    '/alerts/sns',
    timed((req, res) => receiveSns(req, res, deps)),
  );
  // A Grafana webhook contact point may be set to send with PUT instead of POST.
  for (const method of ['POST', 'PUT'])
    http.route(
      method,
      '/alerts/alertmanager',
      timed((req, res) => receiveAlertmanager(req, res, deps)),
    );
  http.route(
    'POST',
    '/alerts/webhook',
    timed((req, res) => receiveWebhook(req, res, deps)),
  );
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function timed(handler: Handler): Handler {
  return async (req, res) => {
    const timer = metrics.ackLatency.startTimer({ kind: 'alerts' });
    res.once('finish', () => timer());
    await handler(req, res);
  };
}

const badRequest = (res: ServerResponse, reason: string) =>
  sendJson(res, 400, { error: 'bad_request', reason });
const unauthorized = (res: ServerResponse, reason: string) =>
  sendJson(res, 401, { error: 'unauthorized', reason });
const disabled = (res: ServerResponse, variable: string) =>
  sendJson(res, 404, {
    error: 'disabled',
    reason: `this endpoint is off until ${variable} is set`,
  });

const unavailable = (res: ServerResponse) =>
  sendJson(res, 503, { error: 'unavailable', reason: 'the incidents queue is unreachable; retry' });

/** Queues deliveries and answers 202; answers 503 (and returns false) when the queue is down. */
async function accept(
  res: ServerResponse,
  deps: AlertRoutesDeps,
  deliveries: Delivery[],
): Promise<boolean> {
  try {
    await deps.intake.enqueueDeliveries(deliveries);
  } catch (error) {
    deps.log.error({ err: (error as Error).message }, 'could not queue alerts');
    unavailable(res);
    return false;
  }
  sendJson(res, 202, { accepted: deliveries.length });
  return true;
}

async function receiveSns(req: IncomingMessage, res: ServerResponse, deps: AlertRoutesDeps) {
  // Raw message delivery posts the bare Message, without the signed envelope: nothing to verify.
  if (String(req.headers['x-amz-sns-rawdelivery']).toLowerCase() === 'true') {
    req.resume();
    return badRequest(
      res,
      'raw message delivery is on for this subscription (x-amz-sns-rawdelivery: true): a raw message carries no SNS signature to verify; set the subscription attribute RawMessageDelivery to false',
    );
  }
  const text = await readLimitedBody(req, res);
  if (text === undefined) return;
  const json = parseJson(text, res);
  if (!json) return;
  let message: ReturnType<typeof parseSnsMessage>;
  try {
    message = parseSnsMessage(json.value);
  } catch (error) {
    return badRequest(res, (error as Error).message);
  }
  const headerType = req.headers['x-amz-sns-message-type'];
  if (headerType !== undefined && headerType !== message.Type)
    return badRequest(
      res,
      `x-amz-sns-message-type ${headerType} does not match Type ${message.Type}`,
    );
  // The allow-list first: a message for another topic never makes the bot download a certificate.
  if (!deps.allowedTopicArns.includes(message.TopicArn))
    return sendJson(res, 403, {
      error: 'forbidden',
      reason: `topic ${message.TopicArn} is not allowed`,
    });
  let problem: string | undefined;
  try {
    problem = await deps.sns.verify(message);
  } catch (error) {
    if (!(error instanceof CertificateUnavailable)) throw error;
    deps.log.warn(
      { topic: message.TopicArn, err: error.message },
      'SNS signing certificate unavailable',
    );
    return sendJson(res, 503, {
      error: 'unavailable',
      reason: `the signing certificate could not be fetched (${error.message}); retry`,
    });
  }
  if (problem) {
    deps.log.warn({ topic: message.TopicArn, problem }, 'refused an SNS message');
    return unauthorized(res, `SNS signature: ${problem}`);
  }
  if (message.Type === 'SubscriptionConfirmation') {
    const urlProblem = deps.sns.checkUrl(message.SubscribeURL, 'SubscribeURL');
    if (urlProblem) return badRequest(res, urlProblem);
    try {
      await deps.intake.enqueueConfirmation({
        topicArn: message.TopicArn,
        url: message.SubscribeURL!,
        messageId: message.MessageId,
      });
    } catch {
      return unavailable(res);
    }
    return sendJson(res, 202, { confirming: message.TopicArn });
  }
  if (message.Type === 'UnsubscribeConfirmation') return sendJson(res, 200, { ok: true });
  let alert: Alert;
  try {
    alert = parseSnsAlarm(message.Message, message.Subject);
  } catch (error) {
    return badRequest(res, (error as Error).message);
  }
  await accept(res, deps, [{ id: `sns-${message.MessageId}`, alert, receivedAt: Date.now() }]);
}

async function receiveAlertmanager(
  req: IncomingMessage,
  res: ServerResponse,
  deps: AlertRoutesDeps,
) {
  if (!deps.alertmanagerToken) return disabled(res, 'OPSBOT_ALERTMANAGER_TOKEN');
  const given = Buffer.from(String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, ''));
  const expected = Buffer.from(deps.alertmanagerToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    req.resume();
    return unauthorized(res, 'missing or wrong bearer token');
  }
  const text = await readLimitedBody(req, res);
  if (text === undefined || !declaresJson(req, res)) return;
  const json = parseJson(text, res);
  if (!json) return;
  let notification: AlertmanagerNotification;
  try {
    notification = readAlertmanager(json.value);
  } catch (error) {
    return badRequest(res, (error as Error).message);
  }
  const { entries, truncatedAlerts, groupKey } = notification;
  if (truncatedAlerts)
    deps.log.warn(
      { groupKey, truncatedAlerts, received: entries.length },
      'Alertmanager left alerts out of a notification (max_alerts)',
    );
  const receivedAt = Date.now();
  // A re-send (group_interval, repeat_interval) or a retry of the same firing gets the same id,
  // so the store's delivery marker counts it once.
  await accept(
    res,
    deps,
    entries.map(({ alert, firingId }) => ({
      id: firingId ?? randomUUID(),
      alert,
      receivedAt,
      ...(truncatedAlerts === undefined ? {} : { truncatedAlerts }),
    })),
  );
}

async function receiveWebhook(req: IncomingMessage, res: ServerResponse, deps: AlertRoutesDeps) {
  if (!deps.webhookSecret) return disabled(res, 'OPSBOT_WEBHOOK_SECRET');
  const bytes = await readLimitedBytes(req, res);
  if (bytes === undefined) return;
  // The signature covers the bytes as sent; only a genuine body is then decoded and read.
  const problem = verifyWebhook(deps.webhookSecret, bytes, req.headers);
  if (problem) return unauthorized(res, problem);
  if (!declaresJson(req, res)) return;
  const text = decodeUtf8(bytes, res);
  if (text === undefined) return;
  const json = parseJson(text, res);
  if (!json) return;
  let alert: Alert;
  try {
    alert = parseGenericWebhook(json.value);
  } catch (error) {
    if (error instanceof BadAlert) return badRequest(res, error.message);
    throw error;
  }
  const signature = String(req.headers[WEBHOOK_SIGNATURE_HEADER]);
  const replays = deps.webhookReplays;
  if (replays) {
    let first: boolean;
    try {
      first = await replays.firstSight(signature);
    } catch (error) {
      deps.log.error({ err: (error as Error).message }, 'could not check a webhook for replay');
      return unavailable(res);
    }
    if (!first) {
      deps.log.warn({ source: alert.source }, 'refused a replayed webhook');
      return sendJson(res, 409, {
        error: 'replayed',
        reason: `this signed delivery (same ${WEBHOOK_SIGNATURE_HEADER}) was already received; sign each delivery with a fresh timestamp`,
      });
    }
  }
  const delivery = { id: webhookDeliveryId(signature), alert, receivedAt: Date.now() };
  if (!(await accept(res, deps, [delivery]))) await replays?.forget(signature).catch(() => {});
}
