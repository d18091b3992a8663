import type { LedgerTable } from '../aws/ledger-table.ts';
import type { LedgerPort } from '../sdk/ports/index.ts';
import { AnchorCheck, type AnchorReader } from './anchors.ts';
import { toJsonl } from './jsonl.ts';
import { verifyEntries } from './verify.ts';

/** Entries whose ts is a little past `until` may still belong before it (clocks of instances differ). */
const CLOCK_SLACK_MS = 60_000;

/** The latest anchors, or why there are none to check (never throws: verify still walks). */
async function readAnchors(reader: AnchorReader | undefined): Promise<AnchorCheck> {
  if (!reader) return new AnchorCheck([], 'no audit.anchor_channel is configured');
  try {
    return new AnchorCheck(await reader.latest());
  } catch (error) {
    return new AnchorCheck(
      [],
      `could not read the anchors in ${reader.channel} (${(error as Error).message})`,
    );
  }
}

/**
 * The audit commands' read access to the ledger table. `anchors` reads the heads posted to the
 * audit channel, which `verify` checks the chain against.
 */
export function ledgerPort(table: LedgerTable, anchors?: AnchorReader): LedgerPort {
  return {
    async recent({ last, command, actor, since }) {
      const found = [];
      const sinceMs = since ? Date.parse(since) : undefined;
      for await (const entry of table.newestFirst()) {
        const at = Date.parse(entry.ts);
        if (sinceMs !== undefined && at < sinceMs - CLOCK_SLACK_MS) break;
        if (sinceMs !== undefined && at < sinceMs) continue;
        if (command && entry.command !== command) continue;
        if (actor && entry.actor !== actor && entry.actor_name !== actor) continue;
        found.push(entry);
        if (found.length >= last) break;
      }
      return found;
    },

    async verify({ from }) {
      const check = await readAnchors(anchors);
      return verifyEntries(table.range(from ?? 1), from ?? 1, check);
    },

    /** A contiguous seq range, from the first entry at or after `since` to the last before `until`. */
    async export({ since, until }) {
      const sinceMs = Date.parse(since);
      const untilMs = until ? Date.parse(until) : Number.POSITIVE_INFINITY;
      const entries = [];
      let lastInside = -1;
      for await (const entry of table.range(1)) {
        const at = Date.parse(entry.ts);
        if (entries.length === 0 && at < sinceMs) continue;
        if (at >= untilMs + CLOCK_SLACK_MS) break;
        entries.push(entry);
        if (at < untilMs) lastInside = entries.length - 1;
      }
      const kept = entries.slice(0, lastInside + 1);
      return { jsonl: toJsonl(kept), count: kept.length };
    },
  };
}
