import { DEFAULT_ANCHOR_EVERY, DEFAULT_ANCHOR_INTERVAL_MINUTES } from '../config/audit.ts';
import type { Logger } from '../log.ts';
import type { AnchorSummary, AuditAnchor, ChainReport } from '../sdk/ports/ledger.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import type { AuditEntry, ChainHead } from './entry.ts';

export type { AuditAnchor };

/**
 * The machine-readable line of an anchor post. The verifiers find anchors by this pattern in the
 * channel's messages, a Slack export, or text copied from the channel.
 */
const ANCHOR_LINE = /opsbot-audit-anchor seq=(\d{1,15}) hash=([0-9a-f]{64})(?: at=([0-9TZ:.-]+))?/g;

/** The text of an anchor post: a sentence for people and the line the verifiers read. */
export function anchorText(anchor: AuditAnchor): string {
  return [
    `Audit ledger anchor: seq ${anchor.seq}, head hash ${anchor.hash.slice(0, 12)}… A ledger that ends before seq ${anchor.seq} or has another hash there was cut or rewritten.`,
    `\`opsbot-audit-anchor seq=${anchor.seq} hash=${anchor.hash}${anchor.at ? ` at=${anchor.at}` : ''}\``,
  ].join('\n');
}

/** Every anchor line in a text, newest (highest seq) first. */
export function parseAnchors(text: string): AuditAnchor[] {
  const found = [...text.matchAll(ANCHOR_LINE)].map((m) => ({
    seq: Number(m[1]),
    hash: m[2]!,
    ...(m[3] ? { at: m[3] } : {}),
  }));
  return found.sort((a, b) => b.seq - a.seq);
}

/** Reads the latest anchors back from where they were posted (the audit channel in Slack). */
export interface AnchorReader {
  /** The channel read, for messages. */
  readonly channel: string;
  latest(): Promise<AuditAnchor[]>;
}

const RETRY_MS = 60_000;

export interface AnchorSettings {
  channel: string;
  every?: number;
  intervalMinutes?: number;
}

/**
 * Posts the ledger's head to the audit channel every `every` entries or every interval (when
 * entries were added since the last anchor), through the bot's Slack writer. The last anchor
 * (seq, time) is kept in Redis so restarts and lease hand-overs keep the pace. Called only by the
 * ledger writer that holds the lease. A post that fails is tried again a minute later.
 */
export class AnchorPoster {
  private last: { seq: number; at: number } | undefined;
  /** After a failed post, the next try waits this long (not one try per append). */
  private retryAt = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<Keys, 'auditAnchor'>,
    private readonly post: (channel: string, text: string) => Promise<void>,
    private readonly settings: AnchorSettings,
    private readonly log: Logger,
  ) {}

  /** Anchors `head` if it is due; returns true when an anchor was posted. */
  async afterAppend(head: ChainHead, now = Date.now()): Promise<boolean> {
    const last = await this.lastAnchor();
    if (head.seq <= last.seq) return false;
    const every = this.settings.every ?? DEFAULT_ANCHOR_EVERY;
    const intervalMs = (this.settings.intervalMinutes ?? DEFAULT_ANCHOR_INTERVAL_MINUTES) * 60_000;
    if (head.seq - last.seq < every && now - last.at < intervalMs) return false;
    if (now < this.retryAt) return false;
    const at = new Date(now).toISOString();
    try {
      await this.post(this.settings.channel, anchorText({ seq: head.seq, hash: head.hash, at }));
    } catch (error) {
      this.retryAt = now + RETRY_MS;
      this.log.warn(
        { err: (error as Error).message, seq: head.seq, channel: this.settings.channel },
        'could not post the audit anchor; will retry in a minute',
      );
      return false;
    }
    this.last = { seq: head.seq, at: now };
    await this.redis.hset(this.keys.auditAnchor(), { seq: head.seq, at: now });
    return true;
  }

  private async lastAnchor(): Promise<{ seq: number; at: number }> {
    if (this.last) return this.last;
    const stored = await this.redis.hgetall(this.keys.auditAnchor());
    // No anchor yet: count the interval from now, so the first comes after `every` entries or
    // one interval, not at the first entry.
    this.last = stored.seq
      ? { seq: Number(stored.seq), at: Number(stored.at) }
      : { seq: 0, at: Date.now() };
    return this.last;
  }
}

/**
 * Checks a walk of the chain against anchors: fed every entry walked, it keeps the hashes at the
 * anchors' seqs; then a chain that ends before an anchor is `truncated`, and an entry whose hash
 * differs from its anchor is `anchor` (rewritten). Anchors before the walk's first seq are skipped.
 */
export class AnchorCheck {
  private readonly wanted: Map<number, AuditAnchor>;
  private readonly seen = new Map<number, string>();

  constructor(
    private readonly anchors: AuditAnchor[],
    private readonly unavailable?: string,
  ) {
    this.wanted = new Map(anchors.map((a) => [a.seq, a]));
  }

  see(entry: AuditEntry): void {
    if (this.wanted.has(entry.seq)) this.seen.set(entry.seq, entry.hash);
  }

  apply(report: ChainReport): ChainReport {
    if (!report.ok) return report;
    const headSeq = report.head?.seq ?? 0;
    const first = report.first ?? 1;
    const newestFirst = [...this.anchors].sort((a, b) => b.seq - a.seq);
    const beyond = newestFirst.find((a) => a.seq > headSeq);
    if (beyond) {
      const posted = beyond.at ? ` posted ${beyond.at}` : '';
      return {
        ok: false,
        count: report.count,
        seq: headSeq + 1,
        problem: 'truncated',
        reason: `truncated: the ledger ends at seq ${headSeq}, but the anchor${posted} shows it had reached seq ${beyond.seq} (hash ${beyond.hash.slice(0, 12)}…); entries ${headSeq + 1}–${beyond.seq} were removed`,
      };
    }
    let checked = 0;
    for (const anchor of newestFirst) {
      if (anchor.seq < first) continue;
      const hash = this.seen.get(anchor.seq);
      if (hash !== anchor.hash) {
        return {
          ok: false,
          count: report.count,
          seq: anchor.seq,
          problem: 'anchor',
          reason: `seq ${anchor.seq}: hash ${hash ? `${hash.slice(0, 12)}…` : 'none'} is not the anchored ${anchor.hash.slice(0, 12)}… (the chain was rewritten up to here)`,
        };
      }
      checked += 1;
    }
    const summary: AnchorSummary = {
      checked,
      ...(newestFirst[0] ? { latest: newestFirst[0] } : {}),
      ...(this.unavailable ? { unavailable: this.unavailable } : {}),
    };
    return { ...report, anchors: summary };
  }
}

/** The anchor part of a report line: `; matches the latest anchor (seq 1000)` or why none. */
export function describeAnchors(report: ChainReport): string {
  if (!report.ok || !report.anchors) return '';
  const a = report.anchors;
  if (a.unavailable) return ` No anchors checked: ${a.unavailable}.`;
  if (!a.latest) return ' No anchors posted yet.';
  return ` ${a.checked} anchor${a.checked === 1 ? '' : 's'} matched; the latest is seq ${a.latest.seq}${a.latest.at ? ` (${a.latest.at})` : ''}.`;
}
