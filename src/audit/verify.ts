import type { ChainReport } from '../sdk/ports/index.ts';
import { type AnchorCheck, describeAnchors } from './anchors.ts';
import { type AuditEntry, entryHash, GENESIS_HASH } from './entry.ts';

export type { ChainReport };

const short = (hash: unknown) => (typeof hash === 'string' ? `${hash.slice(0, 12)}…` : 'none');

/**
 * Checks entries one at a time, in the order given: each seq follows the last, each prev_hash is
 * the last entry's hash, each hash matches the entry's content. Shared by `/ops audit verify`
 * (entries read from DynamoDB) and `opsbot audit verify --file` (an export, offline).
 */
export class ChainVerifier {
  private count = 0;
  private first: number | undefined;
  private last: { seq: number; hash: string } | undefined;
  private broken: Extract<ChainReport, { ok: false }> | undefined;

  /**
   * @param expectFirst the seq the walk must start at (1 or `from`); when it is 1 the first
   *   prev_hash must be the genesis hash. Leave it out to trust wherever an export starts.
   */
  constructor(private readonly expectFirst?: number) {}

  /** Adds the next entry; returns false once the chain is broken (later entries are ignored). */
  push(entry: AuditEntry): boolean {
    if (this.broken) return false;
    const problem = this.check(entry);
    if (problem) {
      this.broken = { ok: false, count: this.count, ...problem };
      return false;
    }
    this.count += 1;
    this.first ??= entry.seq;
    this.last = { seq: entry.seq, hash: entry.hash };
    return true;
  }

  report(): ChainReport {
    if (this.broken) return this.broken;
    if (this.count === 0 && this.expectFirst !== undefined && this.expectFirst > 1) {
      const seq = this.expectFirst;
      return { ok: false, count: 0, seq, problem: 'gap', reason: `seq ${seq}: not found` };
    }
    return { ok: true, count: this.count, first: this.first, head: this.last };
  }

  private check(
    entry: AuditEntry,
  ): Omit<Extract<ChainReport, { ok: false }>, 'ok' | 'count'> | undefined {
    const seq = entry.seq;
    if (!Number.isInteger(seq)) {
      const at = (this.last?.seq ?? 0) + 1;
      return { seq: at, problem: 'gap', reason: `seq ${at}: the entry has no valid seq` };
    }
    const expected = this.last ? this.last.seq + 1 : this.expectFirst;
    if (expected !== undefined && seq !== expected) {
      const after = this.last
        ? `seq ${this.last.seq} is followed by seq ${seq}`
        : `the walk starts at seq ${seq}`;
      return {
        seq: expected,
        problem: 'gap',
        reason: `seq ${expected}: missing or out of order (${after})`,
      };
    }
    if (this.last && entry.prev_hash !== this.last.hash) {
      return {
        seq,
        problem: 'link',
        reason: `seq ${seq}: prev_hash ${short(entry.prev_hash)} does not link to seq ${this.last.seq}'s hash ${short(this.last.hash)} (seq ${this.last.seq} was changed or replaced)`,
      };
    }
    if (!this.last && seq === 1 && entry.prev_hash !== GENESIS_HASH) {
      return {
        seq,
        problem: 'start',
        reason: `seq 1: prev_hash ${short(entry.prev_hash)} is not the genesis hash (64 zeros)`,
      };
    }
    if (entryHash(entry) !== entry.hash) {
      return {
        seq,
        problem: 'hash',
        reason: `seq ${seq}: hash mismatch (its content was changed after it was written)`,
      };
    }
    return undefined;
  }
}

/**
 * Verifies a whole sequence of entries (an export, or the table read back); with `anchors`, also
 * against the heads posted to the audit channel (a cut tail or a rewritten chain).
 */
export async function verifyEntries(
  entries: Iterable<AuditEntry> | AsyncIterable<AuditEntry>,
  expectFirst?: number,
  anchors?: AnchorCheck,
): Promise<ChainReport> {
  const verifier = new ChainVerifier(expectFirst);
  for await (const entry of entries) {
    if (!verifier.push(entry)) break;
    anchors?.see(entry);
  }
  const report = verifier.report();
  return anchors ? anchors.apply(report) : report;
}

/** One line for people: `OK: 42 entries (seq 1–42), head abc…` or the broken seq and why. */
export function describeReport(report: ChainReport): string {
  if (!report.ok)
    return `BROKEN at seq ${report.seq}: ${report.reason}. ${report.count} entries before it verified.`;
  if (!report.head) return `OK: no entries to verify.${describeAnchors(report)}`;
  return `OK: ${report.count} entries verified (seq ${report.first}–${report.head.seq}); head hash ${report.head.hash}.${describeAnchors(report)}`;
}
