/** `2026-12-01 14:30 UTC`: a moment in message text, to the minute. */
export const utc = (ms: number) =>
  `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * `45 s`, `25 min`, `2 h 5 min`, `3 d 4 h`: how long something has been, lasts or took, in words,
 * to the nearest second under a minute and the nearest minute above.
 */
export function timeSpan(ms: number): string {
  if (ms < 59_500) return `${Math.max(0, Math.round(ms / 1000))} s`;
  const total = Math.round(ms / 60_000);
  if (total < 60) return `${total} min`;
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h < 48) return m ? `${h} h ${m} min` : `${h} h`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
