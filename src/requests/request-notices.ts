import type { MessageContent } from '../notify/message-content.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import type { Plan } from '../sdk/command.ts';
import type { Policy } from '../sdk/policy.ts';
import type { RequestRecord } from './request-store.ts';

/** Everything a request card shows: the stored request and its approval state, as a plain value. */
export type RequestCardView = RequestRecord;

/**
 * How each request notice looks in Slack: src/slack/blocks implements it (`requestRenderer`) and
 * src/roles hands it over, so the request flow never imports src/slack.
 */
export interface RequestRenderer {
  card(view: RequestCardView): MessageContent;
  emergencyReminder(view: RequestCardView): MessageContent;
  plan(
    command: string,
    args: Record<string, unknown>,
    environment: string,
    plan: Plan | undefined,
    policy: Policy,
  ): MessageContent;
  planFailed(command: string, problem: string): MessageContent;
  awaitingApprovalIn(requestId: string, channel: string): MessageContent;
  queuedIn(requestId: string, channel: string): MessageContent;
  queueUnreachable: MessageContent;
  text(text: string): MessageContent;
}

/** The person a notice goes to privately, where they asked. */
export interface Requester {
  channel: string;
  requester: string;
  threadTs?: string;
}

/** A posted request card. */
export interface CardRef {
  channel: string;
  ts: string;
}

/**
 * What the request flow tells Slack, from neutral views: the request card (a `RequestCardView`: the
 * request's record, built by src/requests), plans, reminders and private notes to the requester.
 * Its `RequestRenderer` (src/slack/blocks, handed over by src/roles) renders each one.
 */
export class RequestNotices {
  constructor(
    private readonly writer: SlackWriter,
    private readonly render: RequestRenderer,
  ) {}

  /** A plain sentence to the requester only. Never throws: a lost note is not worth failing for. */
  async tell(to: Requester, text: string): Promise<void> {
    await this.private(to, this.render.text(text));
  }

  /** The request waits for approval in another channel than the one it was asked in. */
  async awaitingApprovalIn(to: Requester, requestId: string, channel: string): Promise<void> {
    await this.private(to, this.render.awaitingApprovalIn(requestId, channel));
  }

  /** The run was queued and reports into another channel than the one it was asked in. */
  async queuedIn(to: Requester, requestId: string, channel: string): Promise<void> {
    await this.private(to, this.render.queuedIn(requestId, channel));
  }

  async queueUnreachable(to: Requester): Promise<void> {
    await this.private(to, this.render.queueUnreachable);
  }

  async plan(
    to: Requester & { command: string; args: Record<string, unknown>; environment: string },
    plan: Plan | undefined,
    policy: Policy,
  ): Promise<void> {
    await this.private(to, this.render.plan(to.command, to.args, to.environment, plan, policy));
  }

  async planFailed(to: Requester, command: string, problem: string): Promise<void> {
    await this.private(to, this.render.planFailed(command, problem));
  }

  async postCard(channel: string, view: RequestCardView, threadTs?: string): Promise<CardRef> {
    const posted = await this.writer.post(channel, this.render.card(view), threadTs);
    return { channel, ts: posted.ts };
  }

  async updateCard(card: CardRef, view: RequestCardView): Promise<void> {
    await this.writer.update(card.channel, card.ts, this.render.card(view));
  }

  async remindEmergency(channel: string, view: RequestCardView): Promise<void> {
    await this.writer.post(channel, this.render.emergencyReminder(view));
  }

  private async private(to: Requester, content: MessageContent) {
    await this.writer.note(to.channel, to.requester, content, to.threadTs).catch(() => {});
  }
}
