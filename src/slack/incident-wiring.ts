import type { IncidentActions } from '../incidents/actions.ts';
import type { IncidentWiring } from '../incidents/start.ts';
import { incidentRefusal } from './blocks/incident.ts';
import { incidentNotices } from './incident-notices.ts';
import { incidentSlack } from './incident-slack.ts';
import { registerIncidentListeners } from './listeners/incidents.ts';
import type { SlackRoutes } from './listeners/routes.ts';
import { createWebClient } from './web-writer.ts';

/**
 * The Slack side of incidents, for the composition root: a client of their own made with
 * `rejectRateLimitedCalls` (the outbox waits out a 429 itself), the notices written through it,
 * and, where Slack events arrive (`routes`), the incident buttons with refusals told privately.
 */
export function incidentSlackWiring(
  env: { SLACK_BOT_TOKEN: string; SLACK_API_URL: string },
  routes: SlackRoutes | undefined,
): IncidentWiring {
  const slack = incidentSlack(
    createWebClient(env.SLACK_BOT_TOKEN, env.SLACK_API_URL, { rejectRateLimitedCalls: true }),
  );
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
