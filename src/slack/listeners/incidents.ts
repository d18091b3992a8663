import type { Clicker, IncidentActions } from '../../incidents/actions.ts';
import type { Refusal } from '../../incidents/notices.ts';
import { ACTION } from '../ids.ts';
import { clickChannel, clickedMessage } from './clicked-message.ts';
import type { ButtonListener, SlackRoutes } from './routes.ts';

type Handler = (value: string, who: Clicker) => Promise<Refusal | undefined>;

/**
 * Incident buttons: Acknowledge, Resolve, Escalate and runbook buttons. Each acks at once, then
 * acts; a refusal is told to the clicker alone.
 */
export function registerIncidentListeners(
  routes: SlackRoutes,
  actions: IncidentActions,
  tell: (channel: string, user: string, refusal: Refusal) => Promise<void>,
) {
  const bind =
    (handler: Handler): ButtonListener =>
    async ({ ack, body, action }) => {
      await ack();
      const channel = clickChannel(body);
      const message = clickedMessage(body);
      const who: Clicker = {
        user: body.user.id,
        triggerId: body.trigger_id,
        ...(message ? { message } : {}),
      };
      const refusal = await handler(action.value ?? '', who);
      if (refusal !== undefined && channel) await tell(channel, who.user, refusal).catch(() => {});
    };
  routes.button(
    ACTION.incidentAcknowledge,
    bind((v, w) => actions.acknowledge(v, w)),
  );
  routes.button(
    ACTION.incidentResolve,
    bind((v, w) => actions.resolve(v, w)),
  );
  routes.button(
    ACTION.incidentEscalate,
    bind((v, w) => actions.escalate(v, w)),
  );
  routes.button(
    new RegExp(`^${ACTION.incidentRunbook.replace(/\./g, '\\.')}(\\.\\d+)?$`),
    bind((v, w) => actions.runbook(v, w)),
  );
}
