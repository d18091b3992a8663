import type { Plan } from '../sdk/command.ts';
import type { Policy } from '../sdk/policy.ts';
import { planFailed, planReply } from '../slack/blocks/plan-reply.ts';
import {
  awaitingApprovalIn,
  QUEUE_UNREACHABLE,
  queuedIn,
  simple,
} from '../slack/blocks/replies.ts';
import {
  emergencyReminder,
  type RequestCardView,
  requestCard,
} from '../slack/blocks/request-card.ts';
import type { SlackWriter } from './slack-writer.ts';

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
 * request's record, built by src/requests),
 * plans, reminders and private notes to the requester. `src/slack/blocks` renders each one.
 */
export class RequestNotices {
  constructor(private readonly writer: SlackWriter) {}

  /** A plain sentence to the requester only. Never throws: a lost note is not worth failing for. */
  async tell(to: Requester, text: string): Promise<void> {
    await this.private(to, simple(text));
  }

  /** The request waits for approval in another channel than the one it was asked in. */
  async awaitingApprovalIn(to: Requester, requestId: string, channel: string): Promise<void> {
    await this.private(to, awaitingApprovalIn(requestId, channel));
  }

  /** The run was queued and reports into another channel than the one it was asked in. */
  async queuedIn(to: Requester, requestId: string, channel: string): Promise<void> {
    await this.private(to, queuedIn(requestId, channel));
  }

  async queueUnreachable(to: Requester): Promise<void> {
    await this.private(to, QUEUE_UNREACHABLE);
  }

  async plan(
    to: Requester & { command: string; args: Record<string, unknown>; environment: string },
    plan: Plan | undefined,
    policy: Policy,
  ): Promise<void> {
    await this.private(to, planReply(to.command, to.args, to.environment, plan, policy));
  }

  async planFailed(to: Requester, command: string, problem: string): Promise<void> {
    await this.private(to, planFailed(command, problem));
  }

  async postCard(channel: string, view: RequestCardView, threadTs?: string): Promise<CardRef> {
    const posted = await this.writer.post(channel, requestCard(view), threadTs);
    return { channel, ts: posted.ts };
  }

  async updateCard(card: CardRef, view: RequestCardView): Promise<void> {
    await this.writer.update(card.channel, card.ts, requestCard(view));
  }

  async remindEmergency(channel: string, view: RequestCardView): Promise<void> {
    await this.writer.post(channel, emergencyReminder(view));
  }

  private async private(to: Requester, content: Parameters<SlackWriter['ephemeral']>[2]) {
    await this.writer.ephemeral(to.channel, to.requester, content, to.threadTs).catch(() => {});
  }
}
