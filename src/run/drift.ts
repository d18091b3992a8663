import type { Plan } from '../sdk/command.ts';

/** The facts that differ between the approved plan and a fresh one, as `from: 42 → 43` phrases. */
export function driftBetween(approved: Plan['facts'], fresh: Plan['facts']): string[] {
  const names = new Set([...Object.keys(approved), ...Object.keys(fresh)]);
  return [...names]
    .filter((name) => approved[name] !== fresh[name])
    .map((name) => `${name} was ${String(approved[name])}, is now ${String(fresh[name])}`);
}
