import type { FileConfig } from '../../config/file.ts';
import { intakeText, type Registry, requiredNames } from '../../intake/validate.ts';
import { metrics } from '../../metrics/metrics.ts';
import type { Submission } from '../../requests/create-request.ts';
import { policiesByEnvironment } from '../../requests/policy.ts';
import type { AnyCommand } from '../../sdk/command.ts';
import { helpCommand, helpIndex } from '../blocks/help.ts';
import { invalidArguments, syntaxError, unknownCommand } from '../blocks/replies.ts';
import type { MessageContent } from '../blocks/types.ts';

/** Who asked, where, and under which key (Slack retries repeat the key). */
export interface Asker {
  submissionKey: string;
  requester: string;
  channel: string;
  /** The thread to report into (a command button inside a thread). */
  threadTs?: string;
  source: Submission['source'];
}

/** What to do with a line of command text: answer it, open its form, or submit it. */
export type TextOutcome =
  | { kind: 'reply'; content: MessageContent }
  | { kind: 'form'; command: AnyCommand }
  | { kind: 'submit'; submission: Submission };

/**
 * The one intake for command text, typed (`/ops …`) or carried by a command button: parse and
 * validate (pure, no I/O), then the reply naming what is wrong, or the submission.
 */
export function textIntake(
  text: string,
  deps: { registry: Registry; config: FileConfig },
  asker: Asker,
): TextOutcome {
  const intake = intakeText(text, deps.registry, deps.config.targets);
  const reply = (content: MessageContent): TextOutcome => ({ kind: 'reply', content });
  switch (intake.kind) {
    case 'help': {
      const topic = intake.topic ? deps.registry.find(intake.topic) : undefined;
      return reply(
        topic
          ? helpCommand(topic, policiesByEnvironment(topic, deps.config.policies))
          : intake.topic
            ? unknownCommand(intake.topic, [])
            : helpIndex(deps.registry.commands),
      );
    }
    case 'unknown':
      return reply(unknownCommand(intake.name, intake.suggestions));
    case 'syntax':
      return reply(syntaxError(intake.message));
    case 'incomplete':
      return { kind: 'form', command: intake.command };
    case 'invalid':
      metrics.requests.inc({ command: intake.command.name, outcome: 'invalid' });
      return reply(invalidArguments(intake.command, intake.problems));
    case 'valid':
      return {
        kind: 'submit',
        submission: {
          submissionKey: asker.submissionKey,
          command: intake.command.name,
          args: intake.args,
          environment: intake.environment,
          requester: asker.requester,
          channel: asker.channel,
          ...(asker.threadTs ? { threadTs: asker.threadTs } : {}),
          flags: {
            plan: intake.flags.includes('plan'),
            ...(intake.flags.includes('emergency')
              ? {
                  emergency: {
                    reason: String(intake.args.reason ?? emergencyReason(text)),
                  },
                }
              : {}),
          },
          source: asker.source,
        },
      };
  }
}

/** The reply for a command typed without its required arguments, where no form can open. */
export function missingArguments(command: AnyCommand): MessageContent {
  metrics.requests.inc({ command: command.name, outcome: 'invalid' });
  return invalidArguments(
    command,
    requiredNames(command).map((field) => ({ field, message: 'required' })),
  );
}

/** The `reason="…"` of an emergency request, when the command itself has no `reason` argument. */
function emergencyReason(text: string): string {
  return (
    /\breason=(?:"([^"]*)"|“([^”]*)”|(\S+))/
      .exec(text)
      ?.slice(1)
      .find((v) => v !== undefined) ?? ''
  );
}
