import type { Severity } from '../../alerts/alert.ts';
import type {
  IncidentNote,
  IncidentView,
  InviteRefusal,
  Oncall,
  Refusal,
  RunbookButton,
} from '../../incidents/notices.ts';
import type { Incident } from '../../incidents/store.ts';
import { channel, date, link, mention } from '../../sdk/output.ts';
import { own } from '../../util/own.ts';
import { ACTION } from '../ids.ts';
import { clip, duration, escapeText } from './format.ts';
import { elementMrkdwn, richMrkdwn } from './inline.ts';
import { type Block, type ButtonElement, type MessageContent, mrkdwn, plain } from './types.ts';

/** Pure builders for incident messages: the parent (edited in place), its notes and refusals. */

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  warning: ':large_yellow_circle:',
  info: ':large_blue_circle:',
};

const user = (id: string) => elementMrkdwn(mention(id));
const slackDate = (ms: number) => elementMrkdwn(date(ms));

export function incidentParent({ incident, runbooks }: IncidentView): MessageContent {
  const { alert } = incident;
  const resolved = incident.status === 'resolved';
  const emoji = resolved ? ':white_check_mark:' : SEVERITY_EMOJI[alert.severity];
  const title = `${resolved ? 'Resolved: ' : ''}${alert.title}`;
  const muted = incident.maintenance !== undefined;
  const actions = buttons(incident, runbooks);
  const blocks: Block[] = [
    {
      type: 'header',
      text: plain(clip(`${resolved ? '✅' : muted ? '🔧' : '🚨'} ${title}`, 150)),
    },
    ...(muted ? [maintenanceNote(incident.maintenance!)] : []),
    { type: 'section', fields: summaryFields(incident).slice(0, 10) },
    ...(incident.truncatedAlerts ? [truncatedNote(incident.truncatedAlerts)] : []),
    ...alertDetails(incident),
    // An actions block needs at least one element: a resolved incident without runbooks has none.
    ...(actions.length
      ? [{ type: 'actions' as const, block_id: 'incident_actions', elements: actions }]
      : []),
  ];
  const text = `${emoji} ${muted ? '[in maintenance] ' : ''}${resolved ? 'Resolved' : alert.severity.toUpperCase()}: ${escapeText(alert.title)} (${incident.count} firing${incident.count === 1 ? '' : 's'})`;
  return { text: clip(text, 3000), blocks };
}

/** What the alert said (reason, facts, labels, annotations) and the context line. */
function alertDetails(incident: Incident): Block[] {
  const { alert } = incident;
  const blocks: Block[] = [];
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
  return blocks;
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

/** Alertmanager cut the notification to `max_alerts`: the alerts left out reached nobody here. */
function truncatedNote(count: number): Block {
  const them = count === 1 ? 'it' : 'them';
  return {
    type: 'context',
    elements: [
      mrkdwn(
        `:warning: Alertmanager left ${count} alert${count === 1 ? '' : 's'} of this group out of its last notification (\`max_alerts\`): opsbot never received ${them} and has no incident for ${them}.`,
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
    parts.push(elementMrkdwn(link(alertLink.url, alertLink.label)));
  if (incident.incidentChannel)
    parts.push(`Channel: ${elementMrkdwn(channel(incident.incidentChannel))}`);
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

/** A thread reply (or the first post in an incident's own channel) as one mrkdwn section. */
export function incidentNote(note: IncidentNote): MessageContent {
  const text = noteText(note);
  return {
    text: clip(text, MESSAGE_TEXT_MAX),
    blocks: [{ type: 'section', text: mrkdwn(clip(text, 3000)) }],
  };
}

function noteText(note: IncidentNote): string {
  switch (note.kind) {
    case 'repeated':
      return `:repeat: Fired ${note.repeats} more time${note.repeats === 1 ? '' : 's'} since ${slackDate(note.since)} (total ${note.total}, last ${slackDate(note.lastSeen)}).`;
    case 'resolved':
      return resolvedText(note.incident);
    case 'reopened':
      return `:fire: Reopened: *${titleText(note.incident.alert.title)}* fired again within the reopen window (firing count ${note.incident.count}).${note.clearedAck ? ` ${user(note.clearedAck)}'s acknowledgement was cleared: acknowledge it again.` : ''}`;
    case 'insufficient-data':
      return insufficientDataText(note);
    case 'escalated':
      return `:mega: ${user(note.by)} escalated this incident to ${oncallMention(note.oncall)}.`;
    case 'discuss-in':
      return `:speech_balloon: Discuss in ${elementMrkdwn(channel(note.channel))}.`;
    case 'channel-opened':
      return `:rotating_light: Channel for *${titleText(note.title)}*; the alert thread is ${elementMrkdwn(link(note.thread, 'here'))}.`;
    case 'no-channel':
      return noChannelText(note.refusal);
    case 'not-invited':
      return notInvitedText(note.refused);
  }
}

/** A severity that gets a channel of its own got none: why, in a few words, and where to talk. */
function noChannelText(refusal: string | undefined): string {
  const why = refusal
    ? `Slack refused to create it (\`${escapeText(clip(refusal, 60))}\`)`
    : 'Slack kept failing to create it, and opsbot gave up asking';
  return `:warning: No channel of its own for this incident: ${why}. Discuss it here, in this thread.`;
}

/** An alert's title in a note: escaped and cut (an Alertmanager `alertname` has no length limit). */
const titleText = (title: string) => richMrkdwn(title, 500);

/** The alarm can no longer tell (CloudWatch INSUFFICIENT_DATA): not a recovery, so still open. */
function insufficientDataText(note: Extract<IncidentNote, { kind: 'insufficient-data' }>): string {
  const change = note.stateChange ? ` (${escapeText(note.stateChange)})` : '';
  const reason = note.reason ? `: ${richMrkdwn(note.reason, 1500)}` : '';
  return `:grey_question: *${titleText(note.title)}* has insufficient data${change}${reason}. The incident stays open: that is not a recovery.`;
}

function resolvedText(incident: Incident): string {
  const by =
    incident.resolvedBy && incident.resolvedBy !== 'source'
      ? ` by ${user(incident.resolvedBy)}`
      : ' (the source reported recovery)';
  return `:white_check_mark: Resolved${by} after ${duration((incident.resolvedAt ?? Date.now()) - incident.firstSeen)}; ${incident.count} firing${incident.count === 1 ? '' : 's'} in all.`;
}

/** How many refused invitees the note names; the rest are counted ("and 3 more"). */
export const NOT_INVITED_LISTED = 20;

/** Slack's per-invitee errors of conversations.invite, in plain words. */
const NOT_INVITED_BECAUSE: Record<string, string> = {
  user_is_restricted: 'a guest account (Slack does not let apps invite guests)',
  user_is_ultra_restricted: 'a single-channel guest (Slack does not let apps invite guests)',
  ura_max_channels: 'a single-channel guest already in their one channel',
  user_not_found: 'no such user in this workspace',
  user_is_bot: 'a bot',
  cant_invite: 'Slack refused the invite',
  invite_failed: 'Slack kept failing to take the invitation, and opsbot gave up asking',
};

/**
 * Whom Slack would not invite into the incident channel, each with why, at most
 * NOT_INVITED_LISTED of them (each line is short, so the note stays within a section's 3,000).
 */
function notInvitedText(refused: InviteRefusal[]): string {
  const count = refused.length;
  const lines = refused.slice(0, NOT_INVITED_LISTED).map((r) => {
    const because = own(NOT_INVITED_BECAUSE, r.error) ?? `\`${escapeText(clip(r.error, 60))}\``;
    return `• ${user(clip(r.user, 40))}: ${because}`;
  });
  if (count > NOT_INVITED_LISTED) lines.push(`• and ${count - NOT_INVITED_LISTED} more`);
  const people = count === 1 ? '1 person' : `${count} people`;
  return [
    `:warning: Slack would not invite ${people} from the on-call group, so they are not in this channel:`,
    ...lines,
    'Add them by hand with `/invite` if they should be here.',
  ].join('\n');
}

/** The on-call group as Slack pings it: `<!subteam^S…>`, or each listed member. */
function oncallMention(oncall: Oncall): string {
  return 'usergroup' in oncall
    ? `<!subteam^${oncall.usergroup}>`
    : oncall.users.map(user).join(' ');
}

/** Slack's limit on a message's `text`; a section's text is cut at 3,000. */
const MESSAGE_TEXT_MAX = 40_000;

/** A refused click, for the clicker alone. */
export function incidentRefusal(refusal: Refusal): MessageContent {
  return {
    text: richMrkdwn(refusal, MESSAGE_TEXT_MAX),
    blocks: [{ type: 'section', text: mrkdwn(richMrkdwn(refusal, 3000)) }],
  };
}
