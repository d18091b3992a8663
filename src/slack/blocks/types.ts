/**
 * The Block Kit subset the builders here produce. It is the content of notify's `SlackWriter` port,
 * so it is defined there (src/notify imports nothing from src/slack); the builders use it from here.
 */
export {
  type Block,
  type ButtonElement,
  type MessageContent,
  mrkdwn,
  plain,
  type TextObject,
} from '../../notify/message-content.ts';
