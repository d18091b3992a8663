import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../log.ts';
import { requestStop } from '../../run/run-state.ts';
import type { Keys } from '../../store/keys.ts';
import type { Redis } from '../../store/redis.ts';
import { simple } from '../blocks/replies.ts';
import { ACTION } from '../ids.ts';
import type { SlackRoutes } from './routes.ts';

export interface StopFollowDeps {
  redis: Redis;
  keys: Keys;
  log: Logger;
}

const RUN_ID = /^run_[0-9a-f]{16}$/;

/**
 * The Stop button on a follow: any member of the channel may press it. The button carries only the
 * run id; the run must be a follow that is still going. The run notices the request and ends itself
 * (closing its live-tail session).
 */
export function registerStopFollowListener(routes: SlackRoutes, deps: StopFollowDeps) {
  routes.button(ACTION.stopFollow, async ({ ack, body, action, client }) => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id ?? body.container?.channel_id;
    const say = (text: string) =>
      channel
        ? client.chat
            .postEphemeral({ channel, user, ...simple(text) })
            .then(() => {})
            .catch(() => {})
        : Promise.resolve();
    const runId = action.value ?? '';
    if (!RUN_ID.test(runId) || !channel) {
      await say('This Stop button is not valid (it does not name a follow).');
      return;
    }
    const follow = await deps.redis.hget(deps.keys.runState(runId), 'follow');
    if (!follow || (JSON.parse(follow) as { ended?: string }).ended) {
      await say(`${runId} is not following anything now; nothing to stop.`);
      return;
    }
    if (!(await isMember(client, channel, user))) {
      await say('Only members of this channel may stop this follow.');
      return;
    }
    await requestStop(deps.redis, deps.keys, runId, user);
    deps.log.info({ run_id: runId, user }, 'follow stop requested');
  });
}

async function isMember(client: WebClient, channel: string, user: string): Promise<boolean> {
  let cursor: string | undefined;
  do {
    const page = await client.conversations
      .members({ channel, limit: 1000, cursor })
      .catch(() => undefined);
    if (!page) return false;
    if (page.members?.includes(user)) return true;
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return false;
}
