import type {
  ActiveBlock,
  ActiveBlocksPort,
  BlockExpiry,
  ContainmentAction,
  ContainmentLedgerPort,
  UndoMark,
} from '../../src/sdk/containment.ts';

/** The containment ledger and active blocks in memory (tests of commands without Redis). */
export function memoryContainment() {
  const actions = new Map<string, { action: ContainmentAction; undone?: UndoMark }>();
  const blocks = new Map<string, ActiveBlock>();
  const expiries: BlockExpiry[] = [];
  const ledger: ContainmentLedgerPort = {
    async record(action) {
      if (!actions.has(action.requestId)) actions.set(action.requestId, { action });
    },
    async get(id) {
      return actions.get(id);
    },
    async claimUndo({ original, command, subject, undo }) {
      const known = actions.get(original);
      if (!known) return { status: 'unknown' };
      if (known.action.command !== command || known.action.subject !== subject)
        return { status: 'mismatch', action: known.action };
      if (known.undone && known.undone.requestId !== undo.requestId)
        return { status: 'already_undone', action: known.action, undone: known.undone };
      known.undone ??= undo;
      return { status: 'claimed', action: known.action };
    },
  };
  const active: ActiveBlocksPort = {
    async list() {
      return [...blocks.values()];
    },
    async set(block) {
      blocks.set(`${block.target}|${block.cidr}`, block);
    },
    async clear({ target, cidr, requestId }) {
      const found = blocks.get(`${target}|${cidr}`);
      if (!found || (requestId && found.requestId !== requestId)) return undefined;
      blocks.delete(`${target}|${cidr}`);
      return found;
    },
    async scheduleExpiry(expiry) {
      expiries.push(expiry);
    },
  };
  return { ports: { containment: ledger, blocks: active }, expiries };
}
