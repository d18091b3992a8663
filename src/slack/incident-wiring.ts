import type { IncidentActions } from '../incidents/actions.ts';
import type { IncidentSlack } from '../incidents/slack-port.ts';
import type { IncidentWiring } from '../incidents/start.ts';
import { incidentRefusal } from './blocks/incident.ts';
import { incidentNotices } from './incident-notices.ts';
import { registerIncidentListeners } from './listeners/incidents.ts';
import type { SlackRoutes } from './listeners/routes.ts';

/**
 * The Slack side of incidents, for the composition root: the notices, written through the
 * outbox's Slack port (its client rejects a 429 so the outbox waits it out and retries),
 * and, where Slack events arrive (`routes`), the incident buttons with refusals told privately.
 */
export function incidentSlackWiring(
  slack: IncidentSlack,
  routes: SlackRoutes | undefined,
): IncidentWiring {
  const notices = incidentNotices(slack);
  if (!routes) return { notices };
  return {
    notices,
    listen: (actions: IncidentActions) =>
      registerIncidentListeners(routes, actions, (channel, user, refusal) =>
        slack.ephemeral(channel, user, incidentRefusal(refusal)),
      ),
  };
}
