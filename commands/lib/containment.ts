import {
  type ContainmentAction,
  type ContainmentLedgerPort,
  type OutputBlock,
  PermanentError,
  type PolicyDefaults,
  type Ports,
  type StepContext,
  UserError,
  z,
} from '../../src/sdk/index.ts';

/**
 * What every containment command shares: its default policy, the port lookup, the `undo=`
 * argument and the checks an undo makes before and while it runs.
 */

/** Mutating; in prod one approval from security or on-call; break-glass allowed. */
export const CONTAINMENT_POLICY: PolicyDefaults = {
  default: { approvals: 0 },
  environments: {
    prod: {
      approvals: 1,
      approverGroups: ['security', 'oncall'],
      breakGlass: true,
      breakGlassGroups: ['break-glass'],
    },
  },
};

type PortName =
  | 'accessKeys'
  | 'identity'
  | 'ipBlocklists'
  | 'userPools'
  | 'tfLocks'
  | 'containment'
  | 'blocks';

/** A containment port, or a permanent error naming it when this process has none. */
export function port<K extends PortName>(ports: Ports, name: K): NonNullable<Ports[K]> {
  const found = ports[name];
  if (!found)
    throw new PermanentError('port_unavailable', `the ${name} port is not available here`);
  return found as NonNullable<Ports[K]>;
}

/** `undo=<request id>`: the request this one undoes (set by the Undo button). */
export const undoArg = z
  .string()
  .regex(/^req_[0-9a-f]{16}$/, 'a request id such as req_0123456789abcdef')
  .optional()
  .describe('The request this undoes (the Undo button fills it in)');

/** Optional reason for an undo or a manual reversal. */
export const optionalReason = z
  .string()
  .trim()
  .min(3, 'a reason of at least 3 characters')
  .max(500)
  .optional()
  .describe('Why (kept in the audit trail)');

export const YES = z
  .union([z.boolean(), z.enum(['true', 'false', 'yes', 'no'])])
  .optional()
  .transform((v) => v === true || v === 'true' || v === 'yes');

/**
 * Before an undo is planned: the original must be one of ours, of the command this undoes, on the
 * same subject, and not undone yet. Says which of these is not so.
 */
export async function checkUndoable(
  ledger: ContainmentLedgerPort,
  original: string,
  command: string,
  subject: string,
): Promise<ContainmentAction> {
  const known = await ledger.get(original);
  if (!known) {
    throw new UserError(
      'undo_unknown',
      `opsbot has no record of request ${original} (records are kept 90 days); nothing was changed`,
    );
  }
  if (known.action.command !== command || known.action.subject !== subject) {
    throw new UserError(
      'undo_mismatch',
      `request ${original} was ${known.action.command} on ${known.action.subject}, not ${command} on ${subject}; nothing was changed`,
    );
  }
  if (known.undone) {
    const by =
      known.undone.requestId === 'ttl'
        ? 'its ttl expiring'
        : `request ${known.undone.requestId} (by ${known.undone.by})`;
    throw new UserError(
      'already_undone',
      `request ${original} was already undone at ${known.undone.at} by ${by}; nothing was changed`,
    );
  }
  return known.action;
}

/**
 * Before a block's Undo is planned (and again when its run starts): the block must still be held by
 * the request undone. A newer block of the same address takes it over, and lifting it then would
 * undo the newer request, so the Undo is refused and says which request holds it now.
 */
export async function checkStillHeld(ports: Ports, original: string, target: string, cidr: string) {
  const known = await port(ports, 'containment').get(original);
  const holder = await port(ports, 'blocks').get(target, cidr);
  const newer = known?.superseded ?? (holder && holder.requestId !== original ? holder : undefined);
  const manual = `unblock-ip ${cidr} target=${target} without undo=`;
  if (newer) {
    throw new UserError(
      'undo_superseded',
      `request ${original} no longer holds the block of ${cidr} on ${target}: request ${newer.requestId} (by ${newer.by} at ${newer.at}) blocked it again and holds it now, so undoing ${original} would lift that newer block; nothing was changed. To lift it, use the Undo of ${newer.requestId}, or ${manual}`,
    );
  }
  if (!holder) {
    throw new UserError(
      'undo_not_held',
      `request ${original} holds no block of ${cidr} on ${target} any more (opsbot lists no active block there), so there is nothing of it to lift; nothing was changed. If the address is still blocked, use ${manual}`,
    );
  }
}

/**
 * While an undo runs: marks the original undone by this request, atomically. A retried run holds
 * its own claim; another request's claim means someone undid it first.
 */
export async function claimUndo(
  ctx: StepContext<unknown>,
  original: string,
  command: string,
  subject: string,
) {
  const claim = await port(ctx.ports, 'containment').claimUndo({
    original,
    command,
    subject,
    undo: { requestId: ctx.request.id, by: ctx.request.requester, at: new Date().toISOString() },
  });
  if (claim.status === 'already_undone') {
    throw new UserError(
      'already_undone',
      `request ${original} was undone meanwhile by request ${claim.undone.requestId}; nothing more was changed`,
    );
  }
  if (claim.status !== 'claimed') {
    throw new UserError('undo_mismatch', `request ${original} cannot be undone by this request`);
  }
  return claim.action;
}

/** The result card's Undo button: the inverse command, carrying this request's id. */
export function undoButton(command: string): OutputBlock {
  return { type: 'buttons', buttons: [{ label: 'Undo', command, style: 'danger' }] };
}

/** The line an inverse's card carries: what it undoes. */
export function undoesLine(original: string | undefined): OutputBlock[] {
  return original ? [{ type: 'context', text: `Undoes request ${original}` }] : [];
}

/** `30m`, `24h`, `7d` → milliseconds; at most 30 days. */
export const ttlArg = z
  .string()
  .regex(/^\d{1,4}[mhd]$/, 'a duration such as 30m, 24h or 7d')
  .optional()
  .refine((v) => v === undefined || ttlMs(v) <= 30 * 86_400_000, 'at most 30d')
  .refine((v) => v === undefined || ttlMs(v) >= 60_000, 'at least 1m')
  .describe('Lift the block automatically after this long (30m, 24h, 7d)');

export function ttlMs(ttl: string): number {
  const n = Number(ttl.slice(0, -1));
  const unit = ttl.slice(-1);
  return n * (unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : 86_400_000);
}
