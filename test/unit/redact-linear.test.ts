import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyRule, REDACTION_RULES, redact } from '../../src/redact/index.ts';
import { adversarialUnit, KNOWN_ADVERSARIAL, repeatTo } from '../helpers/redact-adversarial.ts';

/**
 * Finding 1 (ReDoS): redaction must run in linear time. No clock bound here: the test compares
 * the time for 4× the input at each step of a ladder up to 64 KB → 256 KB. Linear is about 4×;
 * quadratic is 16× and cubic 64×, so a ratio over 8× fails. The ladder starts small so a
 * super-linear rule fails in milliseconds instead of blocking the test for hours.
 */
const LADDER = [1024, 4096, 16 * 1024, 64 * 1024, 256 * 1024];
const MAX_RATIO = 8;
const REPEATS = 15;
const ATTEMPTS = 3;

function elapsed(run: () => unknown): number {
  const started = process.hrtime.bigint();
  run();
  return Math.max(Number(process.hrtime.bigint() - started), 1);
}

/**
 * How many times longer `large` takes than `small`: the fastest of several runs of each (the
 * least disturbed by other work on the machine), run alternately so both see the same load.
 */
function ratio(work: (text: string) => unknown, small: string, large: string): number {
  let bestSmall = Number.POSITIVE_INFINITY;
  let bestLarge = Number.POSITIVE_INFINITY;
  for (let i = 0; i < REPEATS; i++) {
    bestSmall = Math.min(
      bestSmall,
      elapsed(() => work(small)),
    );
    bestLarge = Math.min(
      bestLarge,
      elapsed(() => work(large)),
    );
  }
  return bestLarge / bestSmall;
}

/**
 * The first ladder step where 4× the input took more than MAX_RATIO× the time, or undefined. A
 * step over the bound is measured again (up to ATTEMPTS times) before it counts: a super-linear
 * rule is over it every time, a burst of load on a shared machine is not.
 */
function superLinearStep(work: (text: string) => unknown, unit: string): string | undefined {
  for (let i = 1; i < LADDER.length; i++) {
    const small = repeatTo(unit, LADDER[i - 1]!);
    const large = repeatTo(unit, LADDER[i]!);
    let seen = 0;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      seen = ratio(work, small, large);
      if (seen <= MAX_RATIO) break;
    }
    if (seen > MAX_RATIO) {
      return `${JSON.stringify(unit)}: ${small.length} → ${large.length} chars took ${seen.toFixed(1)}× as long`;
    }
  }
  return undefined;
}

describe('finding 1: redaction runs in linear time (ReDoS)', () => {
  for (const rule of REDACTION_RULES) {
    it(`finding 1: rule ${rule.name} is linear on the reported adversarial lines`, () => {
      for (const unit of KNOWN_ADVERSARIAL) {
        expect(superLinearStep((text) => applyRule(rule, text), unit)).toBeUndefined();
      }
    });
  }

  it('finding 1: every rule is linear on generated adversarial lines up to 256 KB', () => {
    fc.assert(
      fc.property(adversarialUnit, fc.constantFrom(...REDACTION_RULES), (unit, rule) => {
        expect(superLinearStep((text) => applyRule(rule, text), unit)).toBeUndefined();
      }),
      { numRuns: 40, endOnFailure: true },
    );
  });

  it('finding 1: redact() as a whole is linear on the reported adversarial lines', () => {
    for (const unit of KNOWN_ADVERSARIAL) expect(superLinearStep(redact, unit)).toBeUndefined();
  });
});
