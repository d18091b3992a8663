import { createHash, randomBytes } from 'node:crypto';
import type { Alert } from '../alerts/alert.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import {
  RECORD_DELIVERY,
  RESOLVE_BY_HAND,
  TAKE_ESCALATION,
  TAKE_STALE_CLAIM,
  TAKE_SUMMARY,
} from './store-scripts.ts';

/** An incident as kept in Redis (one hash per incident). Survives restarts. */
export interface Incident {
  id: string;
  key: string;
  status: 'open' | 'resolved';
  count: number;
  firstSeen: number;
  lastSeen: number;
  resolvedAt?: number;
  resolvedBy?: string;
  ackedBy?: string;
  ackedAt?: number;
  escalatedBy?: string;
  reopened: number;
  /** Where the parent message is; `ts` is missing until it has been posted. */
  channel: string;
  ts?: string;
  incidentChannel?: string;
  /** When the opening of its own channel gave up (the thread says so): nothing opens one again. */
  incidentChannelGivenUpAt?: number;
  /** The service of the maintenance window it was posted muted in. */
  maintenance?: string;
  /** How many alerts of its group the last Alertmanager notification carrying it left out. */
  truncatedAlerts?: number;
  /** Count covered by the last repeat summary (thread reply). */
  summarized: number;
  summaryAt?: number;
  /** Set while a repeat summary is scheduled (its due time). */
  summaryDue?: number;
  /** When the firing it holds began, where the source says (Alertmanager's `startsAt`). */
  firingStartedAt?: number;
  alert: Alert;
}

export type FiringOutcome =
  | 'open'
  | 'repeat'
  | 'reopen'
  | 'resolve'
  | 'ignored'
  | 'duplicate'
  | 'stale'
  /** A recovery of a firing that began before the one the incident holds: changes nothing. */
  | 'superseded'
  /** The source cannot tell (CloudWatch INSUFFICIENT_DATA) while the incident is open. */
  | 'insufficient_data';

export type EscalationClaim = { taken: true } | { taken: false; by: string; at: number };

export interface StoreOptions {
  reopenWindowMs: number;
  retentionSeconds: number;
  deliveryTtlSeconds?: number;
}

/** RECORD_DELIVERY as an ioredis command: EVALSHA, so the hot path does not resend the script. */
function recordDeliveryScript(redis: Redis): (...args: (string | number)[]) => Promise<unknown> {
  const commands = redis as unknown as Record<
    string,
    (...args: (string | number)[]) => Promise<unknown>
  >;
  if (!commands.opsbotRecordDelivery)
    redis.defineCommand('opsbotRecordDelivery', { numberOfKeys: 4, lua: RECORD_DELIVERY });
  return (...args) => commands.opsbotRecordDelivery!(...args);
}

const newIncidentId = () => `inc_${randomBytes(6).toString('hex')}`;
const keyHash = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32);

/** Incident state in Redis: atomic transitions, plain reads. */
export class IncidentStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly options: StoreOptions,
  ) {}

  async recordDelivery(
    deliveryId: string,
    alert: Alert,
    channel: string,
    now = Date.now(),
    truncatedAlerts?: number,
  ): Promise<{
    outcome: FiringOutcome;
    id: string;
    count: number;
    refresh: boolean;
    /** On a reopen: who had acknowledged the incident before it resolved (now cleared). */
    clearedAck?: string;
    /** The incident's count of alerts left out of its group's notification changed. */
    truncatedChanged: boolean;
  }> {
    const [outcome, id, count, refresh, clearedAck, truncated] = (await recordDeliveryScript(
      this.redis,
    )(
      this.keys.incidentByKey(keyHash(alert.key)),
      this.keys.alertDelivery(deliveryId),
      this.keys.incidentsOpen(),
      this.keys.incidentByKey(`${keyHash(alert.key)}:state-changed-at`),
      newIncidentId(),
      now,
      alert.status,
      this.options.reopenWindowMs,
      this.options.deliveryTtlSeconds ?? 24 * 3600,
      this.keys.incident(''),
      JSON.stringify(alert),
      alert.key,
      channel,
      this.options.retentionSeconds,
      alert.stateChangedAt ?? 0,
      truncatedAlerts === undefined ? '' : String(truncatedAlerts),
      alert.firingStartedAt ?? 0,
    )) as [FiringOutcome, string, number, number, string, number];
    return {
      outcome,
      id,
      count: Number(count),
      refresh: refresh === 1,
      ...(clearedAck ? { clearedAck } : {}),
      truncatedChanged: truncated === 1,
    };
  }

  async get(id: string): Promise<Incident | undefined> {
    if (!/^inc_[0-9a-f]{12}$/.test(id)) return undefined;
    const h = await this.redis.hgetall(this.keys.incident(id));
    return h.id ? fromHash(h) : undefined;
  }

  async openIds(): Promise<string[]> {
    return this.redis.smembers(this.keys.incidentsOpen());
  }

  async listOpen(): Promise<Incident[]> {
    const ids = await this.openIds();
    const all = await Promise.all(ids.map((id) => this.get(id)));
    return all
      .filter((i): i is Incident => i?.status === 'open')
      .sort((a, b) => a.firstSeen - b.firstSeen);
  }

  /** Stores where the parent landed; returns the count now, to catch firings counted meanwhile. */
  async setParent(id: string, ts: string): Promise<number> {
    const result = await this.redis
      .multi()
      .hset(this.keys.incident(id), 'ts', ts)
      .hget(this.keys.incident(id), 'count')
      .exec();
    return Number(result?.[1]?.[1] ?? 0);
  }

  /** Clears the refresh marker before a refresh, so firings counted after it queue another. */
  async takeRefresh(id: string): Promise<void> {
    await this.redis.hdel(this.keys.incident(id), 'refresh_queued');
  }

  async set(id: string, fields: Record<string, string | number>): Promise<void> {
    await this.redis.hset(this.keys.incident(id), fields);
  }

  /** Sets a field only when absent (claims such as "a summary is scheduled"). */
  async claim(id: string, field: string, value: string | number): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.incident(id), field, value)) === 1;
  }

  /**
   * Takes a claim whose value is the time it was taken (ms) over from a holder taken to be dead:
   * when it is absent or older than `staleBefore`. Atomic: of several callers, one takes it.
   * Resolves to whether it was taken, and the value it replaced (a time, `1` from older claims).
   */
  async takeStaleClaim(
    id: string,
    field: string,
    staleBefore: number,
    now = Date.now(),
  ): Promise<{ taken: false } | { taken: true; was?: number }> {
    const [taken, old] = (await this.redis.eval(
      TAKE_STALE_CLAIM,
      1,
      this.keys.incident(id),
      field,
      staleBefore,
      now,
    )) as [number, string?];
    if (taken !== 1) return { taken: false };
    return old ? { taken: true, was: Number(old) } : { taken: true };
  }

  /** One page per incident per window, however many clicks, on however many instances. */
  async takeEscalation(
    id: string,
    who: string,
    windowMs: number,
    now = Date.now(),
  ): Promise<EscalationClaim> {
    const [taken, by, at] = (await this.redis.eval(
      TAKE_ESCALATION,
      1,
      this.keys.incident(id),
      now,
      who,
      windowMs,
    )) as [number, string?, string?];
    return taken === 1 ? { taken: true } : { taken: false, by: by ?? '', at: Number(at) };
  }

  async resolveByHand(id: string, who: string, now = Date.now()): Promise<boolean> {
    const incident = await this.get(id);
    if (!incident) return false;
    const changed = await this.redis.eval(
      RESOLVE_BY_HAND,
      3,
      this.keys.incident(id),
      this.keys.incidentsOpen(),
      this.keys.incidentByKey(keyHash(incident.key)),
      now,
      who,
      this.options.retentionSeconds,
    );
    return changed === 1;
  }

  async takeSummary(
    id: string,
    now = Date.now(),
  ): Promise<{ repeats: number; since: number; count: number }> {
    const [repeats, since, count] = (await this.redis.eval(
      TAKE_SUMMARY,
      1,
      this.keys.incident(id),
      now,
    )) as [number, string, number];
    return { repeats: Number(repeats), since: Number(since), count: Number(count) };
  }
}

function fromHash(h: Record<string, string>): Incident {
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  return {
    id: h.id!,
    key: h.key!,
    status: h.status === 'resolved' ? 'resolved' : 'open',
    count: Number(h.count ?? 0),
    firstSeen: Number(h.first_seen ?? 0),
    lastSeen: Number(h.last_seen ?? 0),
    resolvedAt: num(h.resolved_at),
    resolvedBy: h.resolved_by,
    ackedBy: h.acked_by,
    ackedAt: num(h.acked_at),
    escalatedBy: h.escalated_by,
    reopened: Number(h.reopened ?? 0),
    channel: h.channel!,
    ts: h.ts,
    incidentChannel: h.incident_channel,
    incidentChannelGivenUpAt: num(h.incident_channel_given_up_at),
    maintenance: h.maintenance,
    truncatedAlerts: num(h.truncated_alerts),
    summarized: Number(h.summarized ?? 0),
    summaryAt: num(h.summary_at),
    summaryDue: num(h.summary_due),
    firingStartedAt: num(h.firing_started_at),
    alert: JSON.parse(h.alert ?? '{}') as Alert,
  };
}
