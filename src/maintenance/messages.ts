import type { OutputBlock, OutputMessage } from '../sdk/command.ts';
import type { MaintenanceSummary, MaintenanceWindow } from '../sdk/ports/maintenance.ts';
import { timeSpan, utc } from '../util/time-text.ts';

/** Platform-neutral messages of a maintenance window (the Slack renderer escapes their text). */

const scope = (service: string) => (service === 'all' ? 'every service' : service);

export function announcement(window: MaintenanceWindow, statusPage?: string): OutputMessage {
  const text = `🔧 Maintenance: ${scope(window.service)} until ${utc(window.plannedEnd)} (${timeSpan(window.plannedEnd - window.startedAt)}) — ${window.reason}`;
  const blocks: OutputBlock[] = [
    { type: 'text', text },
    {
      type: 'fields',
      fields: [
        ['Service', scope(window.service)],
        ['Planned end', utc(window.plannedEnd)],
        ['Reason', window.reason],
        ['Opened by', window.by],
      ],
    },
    {
      type: 'context',
      text: `Alerts that match ${scope(window.service)} are still recorded and counted, but posted muted (no ping) until the window ends. ${statusPage ?? ''}`.trim(),
    },
  ];
  return { text, blocks };
}

const MAX_ROWS = 20;

export function summaryMessage(summary: MaintenanceSummary, statusPage?: string): OutputMessage {
  const { window, runs, muted } = summary;
  const how = summary.how === 'planned' ? 'at its planned end' : `ended by ${summary.endedBy}`;
  const text = `✅ Maintenance of ${scope(window.service)} over (${how}) after ${timeSpan(summary.endedAt - window.startedAt)}: ${runs.length} run${runs.length === 1 ? '' : 's'}, ${muted.length} alert${muted.length === 1 ? '' : 's'} muted`;
  const blocks: OutputBlock[] = [
    { type: 'text', text },
    {
      type: 'fields',
      fields: [
        [
          'Duration',
          `${timeSpan(summary.endedAt - window.startedAt)} (planned ${timeSpan(window.plannedEnd - window.startedAt)})`,
        ],
        ['From – to', `${utc(window.startedAt)} – ${utc(summary.endedAt)}`],
        ['Reason', window.reason],
        ['Opened by', window.by],
        ['Runs during it', String(runs.length)],
        ['Alerts muted', String(muted.length)],
      ],
    },
  ];
  if (runs.length)
    blocks.push({
      type: 'rows',
      rows: runs.slice(0, MAX_ROWS).map((r) => ({
        text: `${r.command} · ${r.requester} · ${r.runId === window.runId ? 'opened the window' : r.phase}`,
      })),
    });
  if (muted.length)
    blocks.push({
      type: 'rows',
      rows: muted.slice(0, MAX_ROWS).map((m) => ({ text: `muted: ${m.title}` })),
    });
  const more = Math.max(0, runs.length - MAX_ROWS) + Math.max(0, muted.length - MAX_ROWS);
  blocks.push({
    type: 'context',
    text: `Window ${window.id}${more ? ` · ${more} more not listed` : ''}${statusPage ? ` · ${statusPage}` : ''}`,
  });
  return { text, blocks };
}
