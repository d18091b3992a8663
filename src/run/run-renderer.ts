import type { MessageContent } from '../notify/message-content.ts';
import type { OutputMessage } from '../sdk/command.ts';
import type { RunView } from './run-view.ts';

/**
 * How a run looks in Slack: its progress message and result reply (from the neutral `RunView`) and
 * the output its steps post. src/slack/blocks implements it (`runRenderer`) and src/roles hands it
 * over, so the run never imports src/slack.
 */
export interface RunRenderer {
  progress(view: RunView): MessageContent;
  result(view: RunView): MessageContent;
  output(message: OutputMessage): MessageContent;
}
