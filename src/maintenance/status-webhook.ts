import { signWebhook } from '../alerts/webhook.ts';
import type { MaintenanceSummary, MaintenanceWindow } from '../sdk/ports/maintenance.ts';

/**
 * The signed POST a status page receives when a window starts and ends. Signed as the bot's
 * generic alert webhooks are (`x-opsbot-request-timestamp`, `x-opsbot-signature: v0=` + hex
 * HMAC-SHA256 of `v0:<timestamp>:<body>`), so a receiver checks both with one routine. `id` plus
 * `event` identify a delivery, for a receiver that sees one twice.
 */
export function statusBody(
  event: 'maintenance.started' | 'maintenance.ended',
  window: MaintenanceWindow,
  summary?: MaintenanceSummary,
): string {
  return JSON.stringify({
    event,
    id: window.id,
    service: window.service,
    reason: window.reason,
    started_at: new Date(window.startedAt).toISOString(),
    planned_end: new Date(window.plannedEnd).toISOString(),
    ...(summary
      ? {
          ended_at: new Date(summary.endedAt).toISOString(),
          runs: summary.runs.length,
          alerts_muted: summary.muted.length,
        }
      : {}),
  });
}

/** POSTs once per attempt (3, 1 s apart) until a 2xx; returns what happened, in words. */
export async function sendStatus(
  url: string,
  secret: string,
  body: string,
  options: { attempts?: number; pauseMs?: number; timeoutMs?: number } = {},
): Promise<{ ok: boolean; note: string }> {
  const attempts = options.attempts ?? 3;
  let note = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signWebhook(secret, body) },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      await response.body?.cancel();
      if (response.ok) return { ok: true, note: `status page told (HTTP ${response.status})` };
      note = `status page answered HTTP ${response.status}`;
      if (response.status < 500 && response.status !== 429) break;
    } catch (error) {
      note = `status page not reachable (${(error as Error).name})`;
    }
    if (attempt < attempts)
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 1000));
  }
  return { ok: false, note };
}
