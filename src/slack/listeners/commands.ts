import type { App, RespondArguments } from '@slack/bolt';
import type { FileConfig } from '../../config/file.ts';
import type { Registry } from '../../intake/validate.ts';
import type { EnqueueSubmission } from '../../requests/submission.ts';
import type { MessageContent } from '../blocks/types.ts';
import { SLASH_COMMAND } from '../ids.ts';
import type { OpenCommandForm } from './command-form.ts';
import { missingArguments, textIntake } from './text-intake.ts';

export interface CommandListenerDeps {
  registry: Registry;
  config: FileConfig;
  /** Called after the ack with a valid submission. */
  enqueueSubmission: EnqueueSubmission;
  /** Opens a command's form for a command typed without its arguments (after the ack). */
  openForm?: OpenCommandForm;
}

const ephemeral = (content: MessageContent): RespondArguments => ({
  response_type: 'ephemeral',
  text: content.text,
  blocks: content.blocks,
});

/**
 * `/ops …`: parse and validate (pure, no I/O), ack at once (with the error or help as an ephemeral
 * reply), then hand a valid submission on.
 */
export function registerCommandListener(app: App, deps: CommandListenerDeps) {
  app.command(SLASH_COMMAND, async ({ command, ack }) => {
    const outcome = textIntake(command.text ?? '', deps, {
      submissionKey: command.trigger_id,
      requester: command.user_id,
      channel: command.channel_id,
      source: 'typed',
    });
    switch (outcome.kind) {
      case 'reply':
        await ack(ephemeral(outcome.content));
        return;
      case 'form':
        if (deps.openForm) {
          await ack();
          await deps.openForm({
            triggerId: command.trigger_id,
            command: outcome.command,
            channel: command.channel_id,
            user: command.user_id,
          });
          return;
        }
        await ack(ephemeral(missingArguments(outcome.command)));
        return;
      case 'submit':
        await ack();
        // Let pending acks (other commands already read) go out before this one's Redis and
        // queue work: under load, post-ack work would otherwise delay the next acks.
        await afterPendingIo();
        await deps.enqueueSubmission(outcome.submission);
    }
  });
}

/** Resolves after the event loop has handled the I/O already waiting (setImmediate's turn). */
const afterPendingIo = () => new Promise<void>((resolve) => setImmediate(resolve));
