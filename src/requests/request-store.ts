import type { Policy } from '../sdk/policy.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import type { OpsRequest, RequestState } from './request.ts';
import { ACKNOWLEDGE, APPROVE, CLAIM_REMINDER, TRANSITION } from './store-scripts.ts';

export type { RequestState };

/** A stored request with its approval state: what the card shows and every click is checked against. */
export interface RequestRecord {
  request: OpsRequest;
  policy: Policy;
  state: RequestState;
  expiresAt: number;
  approvers: string[];
  decidedBy?: string;
  reason?: string;
  error?: string;
  acknowledgedBy?: string;
}

export type ApproveResult = {
  result: 'missing' | 'expired' | 'own' | 'changed' | 'again' | 'recorded' | 'approved' | 'state';
  state?: RequestState;
  approvals: number;
  needed: number;
};

/** Requests are kept this long after they expire, for the card and late clicks. */
const KEEP_MS = 7 * 24 * 3600 * 1000;

/**
 * Requests in Redis: each request's approval state machine and, once it is approved, the phase of
 * its run (mirrored for the card; the run's own progress lives in src/run). Every change is one Lua
 * script, so it is atomic.
 */
export class RequestStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Stores a new request (pending, or approved for break-glass). */
  async create(
    request: OpsRequest,
    policy: Policy,
    state: 'pending' | 'approved',
    expiresAt: number,
    reminderAt?: number,
  ) {
    const key = this.keys.request(request.id);
    const multi = this.redis
      .multi()
      .hset(key, {
        state,
        request: JSON.stringify(request),
        policy: JSON.stringify(policy),
        requester: request.requester,
        hash: request.argsHash,
        needed: String(policy.approvals),
        expires_at: String(expiresAt),
        emergency: request.emergency ? '1' : '0',
        updated_at: String(Date.now()),
      })
      .pexpire(key, expiresAt - Date.now() + KEEP_MS);
    if (state === 'pending') multi.zadd(this.keys.requestsPending(), expiresAt, request.id);
    else multi.zadd(this.keys.requestsApproved(), Date.now(), request.id);
    if (reminderAt !== undefined)
      multi.zadd(this.keys.emergenciesUnacknowledged(), reminderAt, request.id);
    await multi.exec();
  }

  /** Records where the request card is, so clicks and the worker can update it. */
  async setCard(id: string, card: { channel: string; ts: string }) {
    await this.redis.hset(this.keys.request(id), 'card_channel', card.channel, 'card_ts', card.ts);
  }

  /**
   * Records the card from a click on it, unless its post already did: a click can arrive between
   * the card's post and `setCard`. Never creates a request that is not there.
   */
  async adoptCard(id: string, card: { channel: string; ts: string }) {
    await this.redis.eval(
      `if redis.call('EXISTS', KEYS[1]) == 1 and redis.call('HEXISTS', KEYS[1], 'card_ts') == 0 then
         redis.call('HSET', KEYS[1], 'card_channel', ARGV[1], 'card_ts', ARGV[2])
       end`,
      1,
      this.keys.request(id),
      card.channel,
      card.ts,
    );
  }

  async load(id: string): Promise<RequestRecord | undefined> {
    const [fields, approvers] = await Promise.all([
      this.redis.hgetall(this.keys.request(id)),
      this.redis.smembers(this.keys.requestApprovals(id)),
    ]);
    if (!fields.state || !fields.request) return undefined;
    const request = JSON.parse(fields.request) as OpsRequest;
    if (fields.card_channel && fields.card_ts) {
      request.card = { channel: fields.card_channel, ts: fields.card_ts };
      // The run reports into the card's thread (which is the incident thread when it has one).
      request.threadTs ??= fields.card_ts;
    }
    return {
      request,
      policy: JSON.parse(fields.policy ?? '{}') as Policy,
      state: fields.state as RequestState,
      expiresAt: Number(fields.expires_at),
      approvers: approvers.sort(),
      decidedBy: fields.decided_by,
      reason: fields.reason,
      error: fields.error,
      acknowledgedBy: fields.acknowledged_by,
    };
  }

  async approve(id: string, approver: string, argsHash: string): Promise<ApproveResult> {
    const [result, approvals, needed] = (await this.redis.eval(
      APPROVE,
      4,
      this.keys.request(id),
      this.keys.requestApprovals(id),
      this.keys.requestsPending(),
      this.keys.requestsApproved(),
      approver,
      String(Date.now()),
      argsHash,
      id,
    )) as [string, number, number];
    if (result.startsWith('state:'))
      return { result: 'state', state: result.slice(6) as RequestState, approvals, needed };
    return { result: result as ApproveResult['result'], approvals, needed };
  }

  /**
   * Moves a request from one of `from` to `to`. `expiry`: 'check' turns an expired pending request
   * into expired instead; 'due' moves only an expired one (the sweeper).
   */
  async transition(
    id: string,
    from: RequestState[],
    to: RequestState,
    expiry: 'check' | 'due' | 'none',
    fields: Record<string, string> = {},
  ): Promise<{ result: 'missing' | 'state' | 'not_due' | 'expired' | 'ok'; state: string }> {
    const [result, state] = (await this.redis.eval(
      TRANSITION,
      2,
      this.keys.request(id),
      this.keys.requestsPending(),
      from.join(','),
      to,
      String(Date.now()),
      id,
      expiry,
      ...Object.entries(fields).flat(),
    )) as [string, string];
    return { result: result as 'ok', state };
  }

  async acknowledge(id: string, user: string) {
    const [result, by] = (await this.redis.eval(
      ACKNOWLEDGE,
      2,
      this.keys.request(id),
      this.keys.emergenciesUnacknowledged(),
      user,
      String(Date.now()),
      id,
    )) as [string, string];
    return { result: result as 'missing' | 'not_emergency' | 'own' | 'again' | 'ok', by };
  }

  /** Ids of pending requests whose time is up. */
  dueForExpiry(now = Date.now()) {
    return this.redis.zrangebyscore(this.keys.requestsPending(), 0, now, 'LIMIT', 0, 100);
  }

  /** Ids of requests approved before `before` whose run the sweeper has not yet seen queued. */
  approvedBefore(before: number) {
    return this.redis.zrangebyscore(this.keys.requestsApproved(), 0, before, 'LIMIT', 0, 100);
  }

  /** Forgets an approved request once its run is queued (or it moved on, or is gone). */
  forgetApproved(id: string) {
    return this.redis.zrem(this.keys.requestsApproved(), id);
  }

  /** Ids of unacknowledged emergency runs whose reminder is due. */
  dueForReminder(now = Date.now()) {
    return this.redis.zrangebyscore(this.keys.emergenciesUnacknowledged(), 0, now, 'LIMIT', 0, 100);
  }

  async claimReminder(id: string, next: number): Promise<boolean> {
    const claimed = await this.redis.eval(
      CLAIM_REMINDER,
      1,
      this.keys.emergenciesUnacknowledged(),
      id,
      String(Date.now()),
      String(next),
    );
    return claimed === 1;
  }

  pendingCount() {
    return this.redis.zcard(this.keys.requestsPending());
  }
}
