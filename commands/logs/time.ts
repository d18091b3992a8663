/** `15m`, `2h`, `1d`, `30s` and ISO times, as operators type them in `/ops logs`. */

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const RELATIVE = /^(\d{1,6})([smhd])$/;
const ISO =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds in a duration such as `10m`, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = RELATIVE.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : undefined;
}

/** A point in time: `15m` means 15 minutes before `now`; ISO times without a zone are UTC. */
export function parseTime(text: string, now: number): number | undefined {
  const ago = parseDuration(text);
  if (ago !== undefined) return now - ago;
  const trimmed = text.trim();
  if (!ISO.test(trimmed)) return undefined;
  const zoned = /[T ]\d{2}:\d{2}/.test(trimmed) && !/(?:Z|[+-]\d{2}:?\d{2})$/.test(trimmed);
  const ms = Date.parse(zoned ? `${trimmed.replace(' ', 'T')}Z` : trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `2026-11-23 09:41:02.123` (UTC). */
export function clock(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
