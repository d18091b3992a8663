import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Clicker, IncidentActions } from '../../incidents/actions.ts';
import type { MessageContent } from '../blocks/types.ts';
import { ACTION } from '../ids.ts';

type Handler = (value: string, who: Clicker) => Promise<MessageContent | undefined>;

/**
 * Incident buttons: Acknowledge, Resolve, Escalate and runbook buttons. Each acks at once, then
 * acts; a refusal is shown to the clicker alone.
 */
export function registerIncidentListeners(
  app: App,
  actions: IncidentActions,
  tell: (channel: string, user: string, content: MessageContent) => Promise<void>,
) {
  const bind =
    (handler: Handler) =>
    async ({
      ack,
      body,
      action,
    }: {
      ack: () => Promise<void>;
      body: BlockAction;
      action: ButtonAction;
    }) => {
      await ack();
      const who = { user: body.user.id, triggerId: body.trigger_id };
      const reply = await handler(action.value ?? '', who);
      const channel = body.channel?.id ?? body.container?.channel_id;
      if (reply && channel) await tell(channel, who.user, reply).catch(() => {});
    };
  app.action<BlockAction<ButtonAction>>(
    ACTION.incidentAcknowledge,
    bind((v, w) => actions.acknowledge(v, w)),
  );
  app.action<BlockAction<ButtonAction>>(
    ACTION.incidentResolve,
    bind((v, w) => actions.resolve(v, w)),
  );
  app.action<BlockAction<ButtonAction>>(
    ACTION.incidentEscalate,
    bind((v, w) => actions.escalate(v, w)),
  );
  app.action<BlockAction<ButtonAction>>(
    new RegExp(`^${ACTION.incidentRunbook.replace(/\./g, '\\.')}(\\.\\d+)?$`),
    bind((v, w) => actions.runbook(v, w)),
  );
}
