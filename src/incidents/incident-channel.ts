import type { AlertsConfig } from '../config/alerts.ts';
import type { FileConfig } from '../config/file.ts';
import type { Logger } from '../log.ts';
import type { IncidentNotices } from './notices.ts';
import type { IncidentService } from './service.ts';
import type { Incident, IncidentStore } from './store.ts';

/** `inc-20261123-mission-control-api-errors-1a2b3c` (Slack: lowercase, ≤ 80, no specials). */
function incidentChannelName(incident: Incident, now = Date.now()): string {
  const day = new Date(now).toISOString().slice(0, 10).replace(/-/g, '');
  const slug = incident.alert.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 50);
  return `inc-${day}-${slug || 'alert'}-${incident.id.slice(-6)}`;
}

export const permalinkOf = (channel: string, ts: string) =>
  `https://slack.com/archives/${channel}/p${ts.replace('.', '')}`;

/**
 * For severities configured so, opens a channel of the incident's own: creates it, invites the
 * on-call group, and links it both ways (a post there pointing at the thread, a reply in the thread).
 * Whom Slack would not invite (a guest, an unknown id) is named in a second post there, so nobody
 * takes them to be in the channel; when that post fails, it is logged and the channel opens anyway.
 */
export function incidentChannelOpener(deps: {
  config: AlertsConfig;
  groups: FileConfig['groups'];
  store: IncidentStore;
  notices: IncidentNotices;
  service: () => IncidentService;
  log: Logger;
}) {
  return async (incident: Incident): Promise<void> => {
    if (!deps.config.incident_channel_severities.includes(incident.alert.severity) || !incident.ts)
      return;
    if (!(await deps.store.claim(incident.id, 'incident_channel_claim', 1))) return;
    const channel = await deps.notices.createChannel(incidentChannelName(incident));
    const members = await oncallMembers(deps);
    const refused = members.length ? await deps.notices.invite(channel, members) : [];
    await deps.store.set(incident.id, { incident_channel: channel });
    const service = deps.service();
    const thread = permalinkOf(incident.channel, incident.ts);
    const opened = deps.notices
      .post(channel, { kind: 'channel-opened', title: incident.alert.title, thread })
      .catch(() => {});
    // After the first post, so the channel reads in order; not awaited, as that one is not.
    if (refused.length)
      opened
        .then(() => deps.notices.post(channel, { kind: 'not-invited', refused }))
        .catch((error) =>
          deps.log.warn(
            {
              incident_id: incident.id,
              channel,
              count: refused.length,
              err: (error as Error).message,
            },
            'could not tell the incident channel whom Slack did not invite',
          ),
        );
    service.reply(incident, { kind: 'discuss-in', channel });
    service.editParent(incident.id);
  };
}

async function oncallMembers(deps: {
  config: AlertsConfig;
  groups: FileConfig['groups'];
  notices: IncidentNotices;
}) {
  const group = deps.config.oncall_group ? deps.groups[deps.config.oncall_group] : undefined;
  if (!group) return [];
  return 'usergroup' in group ? deps.notices.usergroupMembers(group.usergroup) : group.users;
}
