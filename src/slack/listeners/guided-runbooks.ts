import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { View } from '@slack/web-api';
import type { GuidedEngine } from '../../guided/engine.ts';
import { parseButtonValue } from '../../guided/view.ts';
import type { Logger } from '../../log.ts';
import type { SlackWriter } from '../../notify/slack-writer.ts';
import { simple } from '../blocks/replies.ts';
import { skipReasonModal } from '../blocks/runbook-card.ts';
import { ACTION, BLOCK, VIEW } from '../ids.ts';
import type { SlackRoutes } from './routes.ts';

export interface GuidedListenerDeps {
  engine: GuidedEngine;
  writer: SlackWriter;
  log: Logger;
}

const FAILED = ':warning: opsbot could not record that click just now; nothing changed. Try again.';

type Values = Record<string, Record<string, { value?: string | null }>>;

/** Done, Skip… (with its reason modal), Retry and Abort on runbook cards. Ack first, then act. */
export function registerGuidedListeners(routes: SlackRoutes, deps: GuidedListenerDeps) {
  const tell = async (channel: string, userId: string, notice: string | undefined) => {
    if (notice && channel)
      await deps.writer.ephemeral(channel, userId, simple(notice)).catch(() => {});
  };
  const act = async (channel: string, userId: string, run: () => Promise<string | undefined>) => {
    let notice: string | undefined;
    try {
      notice = await run();
    } catch (error) {
      deps.log.error({ err: (error as Error).message }, 'runbook click failed');
      notice = FAILED;
    }
    await tell(channel, userId, notice);
  };
  const channelOf = (body: BlockAction) => body.channel?.id ?? body.container?.channel_id ?? '';
  const buttonValueOf = (action: ButtonAction) =>
    typeof action.value === 'string' ? action.value : '';

  for (const [id, verb] of [
    [ACTION.runbookDone, 'done'],
    [ACTION.runbookRetry, 'retry'],
    [ACTION.runbookAbort, 'abort'],
  ] as const) {
    routes.button(id, async ({ ack, body, action }) => {
      await ack();
      await act(channelOf(body), body.user.id, () =>
        deps.engine.click(verb, buttonValueOf(action), body.user.id),
      );
    });
  }

  routes.button(ACTION.runbookSkip, async ({ ack, body, action, client }) => {
    await ack();
    const value = buttonValueOf(action);
    const channel = channelOf(body);
    await act(channel, body.user.id, async () => {
      const ref = parseButtonValue(value);
      if (!ref) return deps.engine.click('skip', value, body.user.id);
      await client.views.open({
        trigger_id: body.trigger_id,
        view: skipReasonModal(value, ref.index + 1, channel) as unknown as View,
      });
      return undefined;
    });
  });

  routes.view(VIEW.runbookSkip, async ({ ack, body, view }) => {
    const reason =
      (view.state.values as Values)[BLOCK.skipReason]?.[BLOCK.skipReasonValue]?.value?.trim() ?? '';
    if (reason === '') {
      await ack({
        response_action: 'errors',
        errors: { [BLOCK.skipReason]: 'Say why this step is skipped.' },
      });
      return;
    }
    await ack();
    let meta: { value?: string; channel?: string } = {};
    try {
      meta = JSON.parse(view.private_metadata) as typeof meta;
    } catch {}
    await act(String(meta.channel ?? ''), body.user.id, () =>
      deps.engine.click('skip', String(meta.value ?? ''), body.user.id, reason),
    );
  });
}
