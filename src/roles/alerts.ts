import type { HttpServer } from '../http/server.ts';
import { startAlerts } from '../incidents/start.ts';
import { incidentSlackWiring } from '../slack/incident-wiring.ts';
import type { Services } from './services.ts';
import type { Web } from './web.ts';

/** Alerts and incidents: the `/alerts/*` endpoints and buttons (web), the intake worker (worker). */
export function startIncidents(s: Services, http: HttpServer, web: Web | undefined) {
  return startAlerts({
    ...s.options,
    options: s.options.alerts,
    http,
    slack: incidentSlackWiring(s.incidentSlack, web?.routes),
    outbox: s.outbox,
    redis: s.redis,
    registry: s.registry,
    audit: s.audit,
    log: s.log,
    submit: s.enqueueSubmission,
    maintenance: s.maintenance.mute,
    isMember: (user, groups) => s.requestFlow.groups.isMember(user, groups, { fresh: true }),
  });
}
