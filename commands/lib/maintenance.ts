import type {
  MaintenanceSummary,
  MaintenanceWindow,
  OutputMessage,
  StepContext,
} from '../../src/sdk/index.ts';
import { requirePort, UserError, utc } from '../../src/sdk/index.ts';

/** What `maintenance` and `deploy --safe` share: opening and closing a window through the port. */

export const scopeOf = (service: string) => (service === 'all' ? 'every service' : service);

export function busyMessage(window: MaintenanceWindow) {
  return `${scopeOf(window.service)} is already in maintenance until ${utc(window.plannedEnd)} (opened by ${window.by}: ${window.reason})`;
}

/** Opens the window of this request (a retried run adopts it); refuses when another is open. */
export async function openWindow<A>(
  ctx: StepContext<A>,
  input: { service: string; reason: string; durationMs: number },
) {
  const started = await requirePort(ctx.ports, 'maintenance').start({
    ...input,
    id: ctx.request.id,
    by: ctx.request.requester,
    runId: ctx.runId,
    command: ctx.request.command,
  });
  return started;
}

/** A short note of a closed window for the run's thread (the summary itself is posted top-level). */
export function closedNote(summary: MaintenanceSummary): OutputMessage {
  const text = `✅ Maintenance of ${scopeOf(summary.window.service)} ended: ${summary.runs.length} run${summary.runs.length === 1 ? '' : 's'}, ${summary.muted.length} alert${summary.muted.length === 1 ? '' : 's'} muted; the summary is in the ops channel`;
  return { text, blocks: [{ type: 'text', text }] };
}

export function notOpen(service: string): never {
  throw new UserError(
    'not_in_maintenance',
    `${scopeOf(service)} is not in maintenance (see \`maintenance list\`); nothing changed`,
  );
}
