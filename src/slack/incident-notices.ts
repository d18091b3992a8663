import type { IncidentNotices } from '../incidents/notices.ts';
import type { IncidentSlack } from '../incidents/slack-port.ts';
import { incidentNote, incidentParent } from './blocks/incident.ts';

/**
 * The incident notices on Slack: each view rendered by src/slack/blocks/incident.ts and written
 * through the incident port, whose rate-limit errors reach the outbox unchanged.
 */
export function incidentNotices(slack: IncidentSlack): IncidentNotices {
  return {
    async postParent(channel, view) {
      return (await slack.post(channel, incidentParent(view))).ts;
    },
    async updateParent(channel, ts, view) {
      await slack.update(channel, ts, incidentParent(view));
    },
    async post(channel, note, threadTs) {
      await slack.post(channel, incidentNote(note), threadTs);
    },
    createChannel: (name) => slack.createChannel(name),
    ownChannel: (name) => slack.ownChannel(name),
    invite: (channel, users) => slack.invite(channel, users),
    usergroupMembers: (usergroup) => slack.usergroupMembers(usergroup),
  };
}
