import { createHmac } from 'node:crypto';

/** The alert webhook's body (`POST /alerts/webhook`). */
export interface AlertPayload {
  source: string;
  key: string;
  status: 'firing' | 'resolved';
  severity: string;
  summary: string;
  details: string;
  links: { title: string; url: string }[];
}

/** Headers that sign a webhook body: `v0=` + hex HMAC-SHA256(secret, `v0:<timestamp>:<body>`). */
export function signWebhook(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
) {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'x-opsbot-request-timestamp': String(timestamp),
    'x-opsbot-signature': `v0=${signature}`,
  };
}

/** A firing alert like CloudWatch's on mission-control-api, with a fresh key each time. */
export function demoAlert(now = new Date()): AlertPayload {
  return {
    source: 'demo',
    key: `demo-mission-control-api-errors-${now.getTime()}`,
    status: 'firing',
    severity: 'critical',
    summary: 'mission-control-api: error rate 7.2% (> 5%) for 5 minutes',
    details:
      'Errors rose after the last deploy. Alarm: mission-control-api-errors, threshold 5% over 5 min.',
    links: [
      { title: 'Runbook: Mission Control', url: 'https://example.com/runbooks/mission-control' },
    ],
  };
}

/** Posts a signed alert to the bot; answers with the HTTP status and body text. */
export async function fireAlert(baseUrl: string, secret: string, alert: AlertPayload) {
  const body = JSON.stringify(alert);
  const response = await fetch(`${baseUrl}/alerts/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signWebhook(secret, body) },
    body,
  });
  return { status: response.status, text: await response.text() };
}
