import type { MessageContent } from './message-content.ts';

/** The Slack calls opsbot makes. One implementation wraps WebClient; tests use the emulator. */
export interface SlackWriter {
  post(channel: string, content: MessageContent, threadTs?: string): Promise<{ ts: string }>;
  update(channel: string, ts: string, content: MessageContent): Promise<void>;
  ephemeral(
    channel: string,
    user: string,
    content: MessageContent,
    threadTs?: string,
  ): Promise<void>;
  /**
   * A note only `user` sees, where they are: an ephemeral in `channel`, or, where Slack cannot show
   * one there (a private channel or a DM the bot is not in), a message in the app's DM with them.
   * Never for a secret: unlike an ephemeral, a DM stays in the history.
   */
  note(channel: string, user: string, content: MessageContent, threadTs?: string): Promise<void>;
  upload(
    channel: string,
    file: { name: string; content: string | Uint8Array; title?: string; comment?: string },
    threadTs?: string,
  ): Promise<void>;
  /** A message's permalink. */
  permalink?(channel: string, ts: string): Promise<string | undefined>;
}
