import type { Logger } from '../log.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import { isScheduleActor } from './engine.ts';

/**
 * The Slack writer, less the ephemeral messages addressed to a schedule. A scheduled request's
 * requester is `schedule:<name>`, no Slack user: `chat.postEphemeral` to it can only fail
 * (`user_not_found`), and each failed call costs a Slack request (rate-limited per method) and time
 * on the burst of runs a schedule minute starts. Such a message (for example "Queued …" when the
 * schedule posts outside the ops channel) is dropped and logged without its text, which may hold
 * what only a requester should see.
 */
export function withoutScheduleEphemerals(writer: SlackWriter, log: Logger): SlackWriter {
  return {
    post: (channel, content, threadTs) => writer.post(channel, content, threadTs),
    update: (channel, ts, content) => writer.update(channel, ts, content),
    upload: (channel, file, threadTs) => writer.upload(channel, file, threadTs),
    ...(writer.permalink ? { permalink: writer.permalink.bind(writer) } : {}),
    async ephemeral(channel, user, content, threadTs) {
      if (isScheduleActor(user)) {
        log.debug({ channel, actor: user }, 'ephemeral for a schedule dropped: no Slack user');
        return;
      }
      await writer.ephemeral(channel, user, content, threadTs);
    },
    async note(channel, user, content, threadTs) {
      if (isScheduleActor(user)) {
        log.debug({ channel, actor: user }, 'note for a schedule dropped: no Slack user');
        return;
      }
      await writer.note(channel, user, content, threadTs);
    },
  };
}
