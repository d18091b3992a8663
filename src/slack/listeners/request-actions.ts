import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { View } from '@slack/web-api';
import type { Logger } from '../../log.ts';
import type { SlackWriter } from '../../notify/slack-writer.ts';
import type { Decisions, Notice } from '../../requests/decisions.ts';
import { denyReasonModal, denyReasonValue } from '../blocks/form-modal.ts';
import { simple } from '../blocks/replies.ts';
import { ACTION, VIEW } from '../ids.ts';
import { clickChannel, clickedMessage } from './clicked-message.ts';
import type { SlackRoutes } from './routes.ts';

export interface RequestActionDeps {
  decisions: Decisions;
  writer: SlackWriter;
  log: Logger;
}

const FAILED = ':warning: opsbot could not record that click just now; nothing changed. Try again.';

type Click = {
  user: string;
  id: string;
  channel: string;
  triggerId: string;
  /** The message clicked: the request card. */
  message?: { channel: string; ts: string };
};

function clickOf(body: BlockAction, action: ButtonAction): Click {
  const message = clickedMessage(body);
  return {
    user: body.user.id,
    id: typeof action.value === 'string' ? action.value : '',
    channel: clickChannel(body) ?? '',
    triggerId: body.trigger_id,
    ...(message ? { message } : {}),
  };
}

/** Tells the clicker (only them) what happened, when there is anything to say. */
async function answer(deps: RequestActionDeps, click: Click, decide: () => Promise<Notice>) {
  let notice: Notice;
  try {
    notice = await decide();
  } catch (error) {
    deps.log.error({ request_id: click.id, err: (error as Error).message }, 'request click failed');
    notice = FAILED;
  }
  if (notice && click.channel)
    await deps.writer.ephemeral(click.channel, click.user, simple(notice)).catch(() => {});
}

/** Approve, Deny (with its reason modal), Cancel and Acknowledge on request cards. Ack first, then decide. */
export function registerRequestActions(routes: SlackRoutes, deps: RequestActionDeps) {
  const button = (actionId: string, decide: (click: Click) => Promise<Notice>) =>
    routes.button(actionId, async ({ ack, body, action }) => {
      await ack();
      const click = clickOf(body, action);
      await answer(deps, click, () => decide(click));
    });

  button(ACTION.approve, (c) => deps.decisions.approve(c.id, c.user, c.message));
  button(ACTION.cancel, (c) => deps.decisions.cancel(c.id, c.user, c.message));
  button(ACTION.acknowledgeEmergency, (c) => deps.decisions.acknowledge(c.id, c.user, c.message));
  routes.button(ACTION.deny, async ({ ack, body, action, client }) => {
    await ack();
    const click = clickOf(body, action);
    await answer(deps, click, async () => {
      const check = await deps.decisions.checkDeny(click.id, click.user, click.message);
      if ('notice' in check) return check.notice;
      await client.views.open({
        trigger_id: click.triggerId,
        view: denyReasonModal(click.id, check.command, click.channel) as unknown as View,
      });
      return undefined;
    });
  });

  routes.view(VIEW.denyReason, async ({ ack, body, view }) => {
    await ack();
    let meta: { request?: string; channel?: string } = {};
    try {
      meta = JSON.parse(view.private_metadata) as typeof meta;
    } catch {}
    const click = {
      user: body.user.id,
      id: String(meta.request ?? ''),
      channel: String(meta.channel ?? ''),
      triggerId: '',
    };
    const reason = denyReasonValue(view.state.values as never);
    await answer(deps, click, () => deps.decisions.deny(click.id, click.user, reason));
  });
}
