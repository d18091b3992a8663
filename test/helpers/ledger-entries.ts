import { appendExactlyOnce } from '../../src/audit/append.ts';
import { ledgerPort } from '../../src/audit/ledger-port.ts';
import type { LedgerTable } from '../../src/aws/ledger-table.ts';
import type { LedgerPort } from '../../src/sdk/index.ts';
import { memoryFloors } from './memory-floors.ts';

/** Appends `operator.note` entries with these ids to the ledger table, as the audit writer would. */
export async function appendNotes(table: LedgerTable, ids: string[]): Promise<void> {
  for (const id of ids)
    await appendExactlyOnce(table, memoryFloors(), {
      id,
      ts: new Date().toISOString(),
      actor: 'U0ALICE',
      action: 'operator.note',
    });
}

/** The ledger port the `audit` command reads, over this table. */
export function ledgerOver(table: LedgerTable): LedgerPort {
  return ledgerPort(table);
}
