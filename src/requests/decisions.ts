import type { Queue } from 'bullmq';
import type { AuditSink } from '../audit/sink.ts';
import type { Logger } from '../log.ts';
import { type GroupResolver, groupList } from './groups.ts';
import { hashRequest, type RunJob } from './request.ts';
import type { RequestCards } from './request-cards.ts';
import type { RequestRecord, RequestStore } from './request-store.ts';
import { enqueueRun } from './runs-queue.ts';

export interface DecisionDeps {
  store: RequestStore;
  groups: GroupResolver;
  cards: RequestCards;
  queue: Queue<RunJob>;
  audit: AuditSink;
  log: Logger;
}

/** What to tell the person who clicked (ephemeral), when anything; `undefined` means say nothing. */
export type Notice = string | undefined;

const REQUEST_ID = /^req_[0-9a-f]{16}$/;
const UNKNOWN =
  ':warning: That button does not name a request opsbot knows (it may have been tampered with). Nothing changed.';

/** The request card a click was on. */
type ClickedCard = { channel: string; ts: string };

type Loaded = { record: RequestRecord } | { notice: string };

/**
 * Every click on a request card, checked on the server: the button carries only the request id, the
 * request is loaded from Redis, group membership is fetched again, and the state change is one
 * atomic script. Nothing here knows Bolt.
 */
export class Decisions {
  constructor(private readonly deps: DecisionDeps) {}

  /**
   * The request a click is about. `card`: the message clicked (the request card), recorded first
   * if the click came before the card's post stored it, so what the click does shows on the card.
   */
  private async load(id: string, card?: ClickedCard): Promise<Loaded> {
    if (!REQUEST_ID.test(id)) return { notice: UNKNOWN };
    let record = await this.deps.store.load(id);
    if (record && !record.request.card && card) {
      await this.deps.store.adoptCard(id, card);
      record = await this.deps.store.load(id);
    }
    return record ? { record } : { notice: UNKNOWN };
  }

  /** Checks that `user` may approve or deny: not the requester, and in an approver group right now. */
  private async mayDecide(record: RequestRecord, user: string, verb: string): Promise<Notice> {
    const { request, policy } = record;
    if (request.requester === user)
      return `:no_entry: You asked for this request, so you cannot ${verb} it; someone from ${groupList(policy.approverGroups)} must.${verb === 'deny' ? ' Use *Cancel* to withdraw it.' : ''}`;
    if (policy.approverGroups.length === 0) return undefined;
    try {
      if (await this.deps.groups.isMember(user, policy.approverGroups, { fresh: true }))
        return undefined;
    } catch (error) {
      this.deps.log.warn({ err: (error as Error).message }, 'group membership lookup failed');
      return ':warning: opsbot could not check group membership with Slack just now. Nothing changed; try again.';
    }
    return `:no_entry: Only members of ${groupList(policy.approverGroups)} may ${verb} \`${request.command}\` in ${request.environment}. Nothing changed.`;
  }

  private notPending(record: RequestRecord): Notice {
    return record.state === 'pending'
      ? undefined
      : `This request is already ${record.state}; nothing changed.`;
  }

  private expired(record: RequestRecord): Notice {
    this.deps.audit.append({
      action: 'request.expired',
      actor: 'system',
      command: record.request.command,
      request_id: record.request.id,
    });
    void this.deps.cards.refresh(record.request.id);
    return '⌛ This request has expired; nothing was run. Make a new request.';
  }

  async approve(id: string, user: string, card?: ClickedCard): Promise<Notice> {
    const loaded = await this.load(id, card);
    if ('notice' in loaded) return loaded.notice;
    const { record } = loaded;
    const refused = this.notPending(record) ?? (await this.mayDecide(record, user, 'approve'));
    if (refused) return refused;
    const { request } = record;
    const hash = hashRequest(request.command, request.args, request.environment);
    const outcome = await this.deps.store.approve(id, user, hash);
    switch (outcome.result) {
      case 'missing':
        return UNKNOWN;
      case 'state':
        return `This request is already ${outcome.state}; nothing changed.`;
      case 'expired':
        return this.expired(record);
      case 'own':
        return ':no_entry: You asked for this request, so you cannot approve it.';
      case 'changed':
        return ':no_entry: This request no longer matches what was asked; nothing changed. Make a new request.';
      case 'again':
        return `You already approved this request; it needs ${outcome.needed - outcome.approvals} more approval(s) from other people.`;
      case 'recorded':
      case 'approved':
        break;
    }
    this.deps.audit.append({
      action: 'approval.granted',
      actor: user,
      command: request.command,
      args: request.args,
      request_id: id,
      data: { approvals: outcome.approvals, needed: outcome.needed, args_hash: request.argsHash },
    });
    if (outcome.result === 'approved') return this.queueApproved(id);
    await this.deps.cards.refresh(id);
    return undefined;
  }

  /** The approval that completed the request queues its run (the job id is the request id). */
  private async queueApproved(id: string): Promise<Notice> {
    const record = await this.deps.store.load(id);
    if (!record) return UNKNOWN;
    try {
      await enqueueRun(this.deps.queue, record.request);
    } catch (error) {
      this.deps.log.error(
        { request_id: id, err: (error as Error).message },
        'could not queue an approved request',
      );
      return ":rotating_light: Approved, but opsbot can't reach its queue; nothing was run yet. Tell the requester to try again.";
    }
    await this.deps.cards.refresh(id);
    return undefined;
  }

  async cancel(id: string, user: string, card?: ClickedCard): Promise<Notice> {
    const loaded = await this.load(id, card);
    if ('notice' in loaded) return loaded.notice;
    const { record } = loaded;
    if (record.request.requester !== user)
      return `:no_entry: Only the requester can cancel this request${record.state === 'pending' ? '; approvers can *Deny* it' : ''}. Nothing changed.`;
    return this.end(record, user, 'cancelled', {});
  }

  /** Whether `user` may deny (checked before the reason modal opens, and again on submit). */
  async checkDeny(
    id: string,
    user: string,
    card?: ClickedCard,
  ): Promise<{ notice: string } | { command: string }> {
    const loaded = await this.load(id, card);
    if ('notice' in loaded) return loaded;
    const refused =
      this.notPending(loaded.record) ?? (await this.mayDecide(loaded.record, user, 'deny'));
    return refused ? { notice: refused } : { command: loaded.record.request.command };
  }

  async deny(id: string, user: string, reason: string | undefined): Promise<Notice> {
    const loaded = await this.load(id);
    if ('notice' in loaded) return loaded.notice;
    const refused = await this.mayDecide(loaded.record, user, 'deny');
    if (refused) return refused;
    return this.end(loaded.record, user, 'denied', reason ? { reason } : {});
  }

  private async end(
    record: RequestRecord,
    user: string,
    to: 'denied' | 'cancelled',
    fields: Record<string, string>,
  ): Promise<Notice> {
    const { id, command } = record.request;
    const moved = await this.deps.store.transition(id, ['pending'], to, 'check', {
      decided_by: user,
      ...fields,
    });
    if (moved.result === 'expired') return this.expired(record);
    if (moved.result !== 'ok')
      return `This request is already ${moved.state || 'gone'}; nothing changed.`;
    this.deps.audit.append({
      action: to === 'denied' ? 'request.denied' : 'request.cancelled',
      actor: user,
      command,
      request_id: id,
      ...(fields.reason ? { data: { reason: fields.reason } } : {}),
    });
    await this.deps.cards.refresh(id);
    return undefined;
  }

  async acknowledge(id: string, user: string, card?: ClickedCard): Promise<Notice> {
    const loaded = await this.load(id, card);
    if ('notice' in loaded) return loaded.notice;
    const { record } = loaded;
    if (!record.request.emergency)
      return 'This request was not an emergency run; there is nothing to acknowledge.';
    const refused = await this.mayDecide(record, user, 'acknowledge');
    if (refused) return refused;
    const outcome = await this.deps.store.acknowledge(id, user);
    if (outcome.result === 'again') return `Already acknowledged by <@${outcome.by}>.`;
    if (outcome.result !== 'ok') return UNKNOWN;
    this.deps.audit.append({
      action: 'breakglass.acknowledged',
      actor: user,
      command: record.request.command,
      request_id: id,
      data: { reason: record.request.emergency.reason, requester: record.request.requester },
    });
    await this.deps.cards.refresh(id);
    return undefined;
  }
}
