import type { FieldProblem } from '../../intake/validate.ts';
import { type MessageContent, simple } from '../../notify/message-content.ts';
import type { AnyCommand } from '../../sdk/command.ts';
import { escapeText } from './format.ts';
import { usage } from './help.ts';

/** A plain sentence as a message; defined with the message content in src/notify. */
export { simple };

export function unknownCommand(name: string, suggestions: string[]): MessageContent {
  const hint = suggestions.length
    ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(', ')}?`
    : '';
  return simple(
    `:warning: opsbot has no command \`${escapeText(name)}\`.${hint} \`/ops help\` lists them all. Nothing was run.`,
  );
}

export function invalidArguments(command: AnyCommand, problems: FieldProblem[]): MessageContent {
  const lines = problems.map((p) => `• \`${escapeText(p.field)}\`: ${escapeText(p.message)}`);
  return simple(
    `:warning: \`${command.name}\` was not run; its arguments need fixing:\n${lines.join('\n')}\nUsage: \`${usage(command)}\``,
  );
}

export function syntaxError(message: string): MessageContent {
  return simple(
    `:warning: opsbot could not read that command: ${escapeText(message)}. Nothing was run.`,
  );
}

export const QUEUE_UNREACHABLE = simple(
  ":rotating_light: opsbot can't reach its queue; nothing was run. Try again in a minute.",
);

/** To a requester who asked outside the channel where their request's card was posted. */
export function awaitingApprovalIn(requestId: string, channel: string): MessageContent {
  return simple(`Your request ${requestId} is waiting for approval in <#${channel}>.`);
}

/** To a requester who asked outside the channel their run reports into. */
export function queuedIn(requestId: string, channel: string): MessageContent {
  return simple(`Queued ${requestId}; follow it in <#${channel}>.`);
}
