import { describe, expect, it } from 'vitest';
import { timeSpan, utc } from '../../src/util/time-text.ts';

describe('how long, in words (timeSpan), one rule for every message', () => {
  it.each([
    [0, '0 s'],
    [-5_000, '0 s'],
    [45_000, '45 s'],
    [59_400, '59 s'],
    [59_500, '1 min'],
    [90_000, '2 min'],
    [25 * 60_000, '25 min'],
    [59 * 60_000 + 29_000, '59 min'],
    [59 * 60_000 + 31_000, '1 h'],
    [125 * 60_000, '2 h 5 min'],
    [47 * 3_600_000 + 59 * 60_000, '47 h 59 min'],
    [48 * 3_600_000, '2 d 0 h'],
    [(3 * 24 + 4) * 3_600_000 + 10 * 60_000, '3 d 4 h'],
  ])('%i ms reads %s', (ms, words) => {
    expect(timeSpan(ms)).toBe(words);
  });

  it('a moment reads to the minute in UTC', () => {
    expect(utc(Date.UTC(2026, 11, 1, 14, 30, 59))).toBe('2026-12-01 14:30 UTC');
  });
});
