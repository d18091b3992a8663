import type { LedgerTable } from '../aws/ledger-table.ts';
import { SeqTaken } from '../aws/seq-taken.ts';
import { type ChainHead, chainEntry, type QueuedEntry } from './entry.ts';

/**
 * Remembers, per waiting entry, the lowest seq an append of it was ever tried at, so a writer
 * taking over after a crash knows where the entry may already be. `register` keeps the minimum.
 */
export interface AppendFloors {
  register(entryId: string, seq: number): Promise<number>;
}

/**
 * Appends one entry exactly once, however many writers race and whoever crashed before:
 * 1. from the head, register seq head+1 as a floor for this entry; if an earlier attempt left a
 *    lower floor, look for the entry between that floor and the head (it may have landed);
 * 2. put it at head+1 on the condition that the seq is free;
 * 3. when the seq was taken, read everything from there to the new head: if our entry is among
 *    them a twin writer appended it; otherwise re-chain it onto the new head and try again.
 * Every put follows a read of every entry between the floor and its seq, so an entry can never
 * land twice, and every put is at a seq right after an existing one, so the chain never forks or
 * skips. Returns the head after the entry.
 */
export async function appendExactlyOnce(
  table: LedgerTable,
  floors: AppendFloors,
  queued: QueuedEntry,
  knownHead?: ChainHead,
): Promise<{ head: ChainHead; appended: boolean }> {
  let head = knownHead ?? (await table.head());
  const floor = await floors.register(queued.id, head.seq + 1);
  if (floor <= head.seq) {
    const landed = await findEntry(table, queued.id, floor, head.seq);
    if (landed) return { head: await table.head(), appended: false };
  }
  for (;;) {
    const entry = chainEntry(queued, head);
    try {
      await table.put(entry);
      return { head: { seq: entry.seq, hash: entry.hash }, appended: true };
    } catch (error) {
      if (!(error instanceof SeqTaken)) throw error;
    }
    let newest: ChainHead | undefined;
    for await (const other of table.range(entry.seq)) {
      if (other.entry_id === queued.id) return { head: await table.head(), appended: false };
      newest = { seq: other.seq, hash: other.hash };
    }
    head = newest ?? (await table.head());
  }
}

async function findEntry(table: LedgerTable, entryId: string, from: number, to: number) {
  for await (const entry of table.range(from, to)) if (entry.entry_id === entryId) return entry;
  return undefined;
}
