import type { FileConfig } from '../../config/file.ts';
import type { Registry } from '../../intake/validate.ts';
import type { Logger } from '../../log.ts';
import type { EnqueueSubmission } from '../../requests/submission.ts';
import { simple } from '../blocks/replies.ts';
import type { MessageContent } from '../blocks/types.ts';
import { ACTION } from '../ids.ts';
import type { SlackRoutes } from './routes.ts';
import { missingArguments, textIntake } from './text-intake.ts';

export interface CommandButtonDeps {
  registry: Registry;
  config: FileConfig;
  enqueueSubmission: EnqueueSubmission;
  log: Logger;
}

/** `command.run.0`, `command.run.1`, …: the command buttons a run's output shows. */
const COMMAND_BUTTON = new RegExp(`^${ACTION.runCommand.replace('.', '\\.')}\\.\\d+$`);

/**
 * A command button (`{ label, command }` in a run's output): its value is the command text. A
 * click asks for that command again as the person who clicked, through the same intake as typing
 * it (validation, then policy, approvals and plan in the request flow), reported in the thread (or
 * channel) the button was in. A value that is not a valid command gets an ephemeral reply naming
 * what is wrong, and nothing is queued.
 */
export function registerCommandButtonListener(routes: SlackRoutes, deps: CommandButtonDeps) {
  routes.button(COMMAND_BUTTON, async ({ ack, body, action, client }) => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id ?? body.container?.channel_id;
    const message = body.message as { ts?: string; thread_ts?: string } | undefined;
    const threadTs = message?.thread_ts ?? body.container?.thread_ts;
    const tell = (content: MessageContent) =>
      channel
        ? client.chat
            .postEphemeral({
              channel,
              user,
              text: content.text,
              blocks: content.blocks,
              ...(threadTs ? { thread_ts: threadTs } : {}),
            })
            .then(() => {})
            .catch((error: Error) =>
              deps.log.warn({ err: error.message }, 'command button reply failed'),
            )
        : Promise.resolve();
    if (!channel) return;
    const text = action.value ?? '';
    const outcome = textIntake(text, deps, {
      submissionKey: `button:${body.trigger_id}`,
      requester: user,
      channel,
      threadTs,
      source: 'button',
    });
    switch (outcome.kind) {
      case 'reply':
        await tell(withPrefix(outcome.content));
        return;
      case 'form':
        await tell(withPrefix(missingArguments(outcome.command)));
        return;
      case 'submit':
        deps.log.info({ command: outcome.submission.command, user }, 'command button clicked');
        await deps.enqueueSubmission(outcome.submission);
    }
  });
}

/** Says that the problem is the button's, not something the person typed. */
function withPrefix(content: MessageContent): MessageContent {
  const intro = 'This button does not carry a command opsbot can run:';
  return {
    text: `${intro} ${content.text}`,
    blocks: [...(simple(intro).blocks ?? []), ...(content.blocks ?? [])],
  };
}
