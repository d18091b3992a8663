import { type GenericAlert, signWebhook } from '../../alerts/webhook.ts';

/**
 * A firing alert like CloudWatch's on mission-control-api, with a fresh key each time. Severity
 * `high`: the example config routes it to `slack.incidents_channel`, and its name matches the
 * `mission-control-api-*` runbook mapping, so the incident shows the runbook buttons.
 */
export function demoAlert(now = new Date()): GenericAlert {
  return {
    source: 'demo',
    key: `demo-mission-control-api-errors-${now.getTime()}`,
    status: 'firing',
    severity: 'high',
    summary: 'mission-control-api-errors: error rate 7.2% (> 5%) for 5 minutes',
    details:
      'Errors rose after the last deploy. Alarm: mission-control-api-errors, threshold 5% over 5 min.',
    links: [
      { label: 'Runbook: Mission Control', url: 'https://example.com/runbooks/mission-control' },
    ],
    // The address the errors came from: the example config's `demo-block-ip` runbook offers to
    // block it (the sandbox's WAF IP set), and its result card to undo that.
    labels: { source_ip: '203.0.113.7' },
  };
}

/** Posts a signed alert to the bot's `POST /alerts/webhook`; answers with the HTTP status and body text. */
export async function fireAlert(baseUrl: string, secret: string, alert: GenericAlert) {
  const body = JSON.stringify(alert);
  const response = await fetch(`${baseUrl}/alerts/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signWebhook(secret, body) },
    body,
  });
  return { status: response.status, text: await response.text() };
}
