import type { Severity } from '../alerts/alert.ts';
import { clip, duration, escapeText, link, user } from '../slack/blocks/format.ts';
import {
  type Block,
  type ButtonElement,
  type MessageContent,
  mrkdwn,
  plain,
} from '../slack/blocks/types.ts';
import { ACTION } from '../slack/ids.ts';
import type { Incident } from './store.ts';

/** Pure builders for incident messages: the parent (edited in place) and its thread replies. */

export const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  warning: ':large_yellow_circle:',
  info: ':large_blue_circle:',
};

/** A runbook button as shown: its value is an id the server looks up, never a command line. */
export interface RunbookButton {
  label: string;
  value: string;
  style?: 'primary' | 'danger';
}

/** `<!date^…>` renders in the reader's time zone; the fallback is UTC. */
export function slackDate(ms: number): string {
  const iso = new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${iso} UTC>`;
}

export function incidentParent(incident: Incident, runbooks: RunbookButton[]): MessageContent {
  const { alert } = incident;
  const resolved = incident.status === 'resolved';
  const emoji = resolved ? ':white_check_mark:' : SEVERITY_EMOJI[alert.severity];
  const title = `${resolved ? 'Resolved: ' : ''}${alert.title}`;
  const muted = incident.maintenance !== undefined;
  const blocks: Block[] = [
    {
      type: 'header',
      text: plain(clip(`${resolved ? '✅' : muted ? '🔧' : '🚨'} ${title}`, 150)),
    },
    ...(muted ? [maintenanceNote(incident.maintenance!)] : []),
    { type: 'section', fields: summaryFields(incident).slice(0, 10) },
  ];
  if (alert.reason)
    blocks.push({
      type: 'section',
      text: mrkdwn(clip(`*Reason:* ${escapeText(alert.reason)}`, 3000)),
    });
  const facts = alert.facts ?? [];
  if (facts.length)
    blocks.push({
      type: 'section',
      fields: facts
        .slice(0, 10)
        .map(([label, value]) =>
          mrkdwn(clip(`*${escapeText(label)}*\n${escapeText(value)}`, 2000)),
        ),
    });
  const labels = mapText('Labels', alert.labels);
  if (labels) blocks.push({ type: 'section', text: mrkdwn(labels) });
  const annotations = mapText('Annotations', alert.annotations);
  if (annotations) blocks.push({ type: 'section', text: mrkdwn(annotations) });
  const context = contextLine(incident);
  if (context) blocks.push({ type: 'context', elements: [mrkdwn(clip(context, 3000))] });
  blocks.push({
    type: 'actions',
    block_id: 'incident_actions',
    elements: buttons(incident, runbooks),
  });
  const text = `${emoji} ${muted ? '[in maintenance] ' : ''}${resolved ? 'Resolved' : alert.severity.toUpperCase()}: ${escapeText(alert.title)} (${incident.count} firing${incident.count === 1 ? '' : 's'})`;
  return { text: clip(text, 3000), blocks };
}

/** The mark on an incident posted muted during a maintenance window. */
function maintenanceNote(service: string): Block {
  const scope = service === 'all' ? 'every service' : escapeText(service);
  return {
    type: 'context',
    elements: [
      mrkdwn(
        `:wrench: *In maintenance* (${scope}): recorded and counted, posted muted — nobody was paged.`,
      ),
    ],
  };
}

function summaryFields(incident: Incident) {
  const { alert } = incident;
  const status =
    incident.status === 'resolved'
      ? `Resolved after ${duration((incident.resolvedAt ?? incident.lastSeen) - incident.firstSeen)}${incident.resolvedBy && incident.resolvedBy !== 'source' ? ` by ${user(incident.resolvedBy)}` : ''}`
      : escapeText(alert.stateChange ?? 'firing');
  return [
    mrkdwn(`*Severity*\n${SEVERITY_EMOJI[alert.severity]} ${alert.severity}`),
    mrkdwn(`*Source*\n${escapeText(alert.source)}`),
    mrkdwn(`*State*\n${status}`),
    mrkdwn(`*Firing count*\n${incident.count}`),
    mrkdwn(`*First seen*\n${slackDate(incident.firstSeen)}`),
    mrkdwn(`*Last seen*\n${slackDate(incident.lastSeen)}`),
  ];
}

function mapText(title: string, map: Record<string, string> | undefined): string | undefined {
  const entries = Object.entries(map ?? {});
  if (!entries.length) return undefined;
  const lines = entries.map(([k, v]) => `\`${escapeText(k)}\`=${escapeText(v)}`);
  return clip(`*${title}:* ${lines.join('  ')}`, 3000);
}

function contextLine(incident: Incident): string {
  const parts: string[] = [];
  for (const alertLink of incident.alert.links ?? [])
    parts.push(link(alertLink.url, alertLink.label));
  if (incident.incidentChannel) parts.push(`Channel: <#${incident.incidentChannel}>`);
  if (incident.ackedBy && incident.ackedAt)
    parts.push(`Acknowledged by ${user(incident.ackedBy)} ${slackDate(incident.ackedAt)}`);
  if (incident.escalatedBy) parts.push(`Escalated by ${user(incident.escalatedBy)}`);
  if (incident.reopened) parts.push(`Reopened ${incident.reopened}×`);
  parts.push(`Incident ${incident.id}`);
  return parts.join(' · ');
}

function buttons(incident: Incident, runbooks: RunbookButton[]): ButtonElement[] {
  const elements: ButtonElement[] = [];
  if (incident.status === 'open') {
    if (!incident.ackedBy)
      elements.push({
        type: 'button',
        action_id: ACTION.incidentAcknowledge,
        text: plain('Acknowledge'),
        value: incident.id,
      });
    elements.push(
      {
        type: 'button',
        action_id: ACTION.incidentResolve,
        text: plain('Resolve'),
        value: incident.id,
        style: 'primary',
      },
      {
        type: 'button',
        action_id: ACTION.incidentEscalate,
        text: plain('Escalate'),
        value: incident.id,
        style: 'danger',
      },
    );
  }
  runbooks.forEach((button, index) => {
    elements.push({
      type: 'button',
      action_id: `${ACTION.incidentRunbook}.${index}`,
      text: plain(clip(button.label, 75)),
      value: button.value,
      ...(button.style ? { style: button.style } : {}),
    });
  });
  return elements;
}

export function repeatSummary(
  repeats: number,
  since: number,
  total: number,
  lastSeen: number,
): MessageContent {
  const text = `:repeat: Fired ${repeats} more time${repeats === 1 ? '' : 's'} since ${slackDate(since)} (total ${total}, last ${slackDate(lastSeen)}).`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

export function resolvedReply(incident: Incident): MessageContent {
  const by =
    incident.resolvedBy && incident.resolvedBy !== 'source'
      ? ` by ${user(incident.resolvedBy)}`
      : ' (the source reported recovery)';
  const text = `:white_check_mark: Resolved${by} after ${duration((incident.resolvedAt ?? Date.now()) - incident.firstSeen)}; ${incident.count} firing${incident.count === 1 ? '' : 's'} in all.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

export function reopenedReply(incident: Incident): MessageContent {
  const text = `:fire: Reopened: *${escapeText(incident.alert.title)}* fired again within the reopen window (firing count ${incident.count}).`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

export function escalatedReply(who: string, mention: string): MessageContent {
  const text = `:mega: ${user(who)} escalated this incident to ${mention}.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

export function acknowledgedReply(who: string): MessageContent {
  const text = `:eyes: ${user(who)} acknowledged this incident.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

export function incidentList(incidents: Incident[], permalinks: Map<string, string>): string {
  if (!incidents.length) return 'No open incidents.';
  return incidents
    .map((i) => {
      const permalink = permalinks.get(i.id);
      const title = permalink ? link(permalink, i.alert.title) : escapeText(i.alert.title);
      return `${SEVERITY_EMOJI[i.alert.severity]} ${title} — ${escapeText(i.alert.source)}, ${i.count} firing${i.count === 1 ? '' : 's'}, since ${slackDate(i.firstSeen)}${i.ackedBy ? `, acked by ${user(i.ackedBy)}` : ''}`;
    })
    .join('\n');
}
