import type { Status } from './store.ts';

/** The part of a check result a comparison needs. */
export interface Compared {
  check: string;
  status: Status;
  reason: string;
  values?: Record<string, number>;
}

export interface ValueMove {
  name: string;
  from: number;
  to: number;
}

export interface Change {
  check: string;
  from: Status | undefined;
  to: Status;
  reason: string;
  values: ValueMove[];
}

/** What changed since the previous run of a checklist. */
export interface Changes {
  /** ✗ now, not ✗ before (or a new check). */
  newFailures: Change[];
  /** ✗ before, not ✗ now. */
  cleared: Change[];
  /** Moved between ✓ and ⚠: a figure crossed a warning threshold one way or the other. */
  crossed: Change[];
}

/** Compares two runs' verdicts, check by check (by command line). Pure. */
export function changesSince(previous: Compared[], current: Compared[]): Changes {
  const before = new Map(previous.map((r) => [r.check, r]));
  const changes: Changes = { newFailures: [], cleared: [], crossed: [] };
  for (const now of current) {
    const then = before.get(now.check);
    if (then?.status === now.status) continue;
    const change: Change = {
      check: now.check,
      from: then?.status,
      to: now.status,
      reason: now.reason,
      values: moves(then?.values, now.values),
    };
    if (now.status === 'fail') changes.newFailures.push(change);
    else if (then?.status === 'fail') changes.cleared.push(change);
    else if (then) changes.crossed.push(change);
  }
  return changes;
}

function moves(from: Record<string, number> = {}, to: Record<string, number> = {}): ValueMove[] {
  return Object.entries(to)
    .filter(([name, value]) => name in from && from[name] !== value)
    .map(([name, value]) => ({ name, from: from[name]!, to: value }));
}

export const nothingChanged = (c: Changes) =>
  c.newFailures.length + c.cleared.length + c.crossed.length === 0;
