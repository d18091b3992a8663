import type {
  ActiveBlock,
  ActiveBlocksPort,
  BlockExpiry,
  ContainmentAction,
  ContainmentLedgerPort,
  Lifted,
  SupersededMark,
  UndoMark,
} from '../../src/sdk/containment.ts';

/** The containment ledger and active blocks in memory (tests of commands without Redis). */
export function memoryContainment() {
  const actions = new Map<
    string,
    { action: ContainmentAction; undone?: UndoMark; superseded?: SupersededMark }
  >();
  const blocks = new Map<string, ActiveBlock>();
  const lifts = new Map<string, Lifted>();
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
    async get(target, cidr) {
      return blocks.get(`${target}|${cidr}`);
    },
    async set(block) {
      const replaced = blocks.get(`${block.target}|${block.cidr}`);
      blocks.set(`${block.target}|${block.cidr}`, block);
      if (!replaced || replaced.requestId === block.requestId) return {};
      const held = actions.get(replaced.requestId);
      if (held && !held.undone)
        held.superseded ??= { requestId: block.requestId, by: block.by, at: block.at };
      return { replaced };
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
    async lift({ target, cidr, undo, original }) {
      const done = lifts.get(undo.requestId);
      if (done) return done;
      const holder = blocks.get(`${target}|${cidr}`)?.requestId;
      const undoes = original ?? holder;
      const out: Lifted = { cleared: false };
      if (undoes) {
        out.undoes = undoes;
        const known = actions.get(undoes);
        if (known?.undone && known.undone.requestId !== undo.requestId)
          out.alreadyUndone = known.undone;
        else if (known) known.undone = undo;
        if (holder === undoes) {
          blocks.delete(`${target}|${cidr}`);
          out.cleared = true;
        }
      }
      lifts.set(undo.requestId, out);
      return out;
    },
  };
  return { ports: { containment: ledger, blocks: active }, expiries };
}
