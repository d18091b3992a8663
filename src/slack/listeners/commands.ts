import type { App, RespondArguments } from '@slack/bolt';
import { policiesByEnvironment } from '../../approvals/policy.ts';
import type { FileConfig } from '../../config/file.ts';
import { intakeText, type Registry, requiredNames } from '../../intake/validate.ts';
import { metrics } from '../../metrics/metrics.ts';
import type { SubmitRequest } from '../../requests/submit.ts';
import { helpCommand, helpIndex } from '../blocks/help.ts';
import { invalidArguments, syntaxError, unknownCommand } from '../blocks/replies.ts';
import type { MessageContent } from '../blocks/types.ts';
import { SLASH_COMMAND } from '../ids.ts';
import type { OpenCommandForm } from './command-form.ts';

export interface CommandListenerDeps {
  registry: Registry;
  config: FileConfig;
  /** Called after the ack with a valid submission. */
  submit: SubmitRequest;
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
    const intake = intakeText(command.text ?? '', deps.registry, deps.config.targets);
    switch (intake.kind) {
      case 'help': {
        const topic = intake.topic ? deps.registry.find(intake.topic) : undefined;
        const content = topic
          ? helpCommand(topic, policiesByEnvironment(topic, deps.config.policies))
          : intake.topic
            ? unknownCommand(intake.topic, [])
            : helpIndex(deps.registry.commands);
        await ack(ephemeral(content));
        return;
      }
      case 'unknown':
        await ack(ephemeral(unknownCommand(intake.name, intake.suggestions)));
        return;
      case 'syntax':
        await ack(ephemeral(syntaxError(intake.message)));
        return;
      case 'incomplete':
        if (deps.openForm) {
          await ack();
          await deps.openForm({
            triggerId: command.trigger_id,
            command: intake.command,
            channel: command.channel_id,
            user: command.user_id,
          });
          return;
        }
        await ack(
          ephemeral(
            invalidArguments(
              intake.command,
              requiredNames(intake.command).map((field) => ({ field, message: 'required' })),
            ),
          ),
        );
        metrics.requests.inc({ command: intake.command.name, outcome: 'invalid' });
        return;
      case 'invalid':
        await ack(ephemeral(invalidArguments(intake.command, intake.problems)));
        metrics.requests.inc({ command: intake.command.name, outcome: 'invalid' });
        return;
      case 'valid':
        await ack();
        // Let pending acks (other commands already read) go out before this one's Redis and
        // queue work: under load, post-ack work would otherwise delay the next acks.
        await afterPendingIo();
        await deps.submit({
          submissionKey: command.trigger_id,
          command: intake.command.name,
          args: intake.args,
          environment: intake.environment,
          requester: command.user_id,
          channel: command.channel_id,
          flags: {
            plan: intake.flags.includes('plan'),
            ...(intake.flags.includes('emergency')
              ? {
                  emergency: {
                    reason: String(intake.args.reason ?? emergencyReason(command.text ?? '')),
                  },
                }
              : {}),
          },
          source: 'typed',
        });
    }
  });
}

/** Resolves after the event loop has handled the I/O already waiting (setImmediate's turn). */
const afterPendingIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The `reason="…"` of an emergency request, when the command itself has no `reason` argument. */
function emergencyReason(text: string): string {
  return (
    /\breason=(?:"([^"]*)"|“([^”]*)”|(\S+))/
      .exec(text)
      ?.slice(1)
      .find((v) => v !== undefined) ?? ''
  );
}
