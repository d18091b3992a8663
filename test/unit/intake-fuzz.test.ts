import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRegistry, intakeText } from '../../src/intake/validate.ts';
import { commands } from '../../src/registry/commands.ts';
import { FUZZ_RUNS } from '../helpers/fuzz.ts';
import { exampleConfig } from '../helpers/harness.ts';

const registry = createRegistry(commands);
const targets = exampleConfig().targets;
const names = commands.map((c) => c.name);

// Words that look like real input: command names, flags, key=value pairs, quotes and junk.
const word = fc.oneof(
  fc.constantFrom(
    ...names,
    'help',
    '--plan',
    '--emergency',
    '--',
    '="',
    '"',
    '“',
    'alias=prod',
    'reason="x y"',
  ),
  fc.string({ maxLength: 12 }),
  fc
    .tuple(fc.stringMatching(/^[a-z_]{1,8}$/), fc.string({ maxLength: 10 }))
    .map(([k, v]) => `${k}=${v}`),
  fc.integer().map(String),
);
const line = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.array(word, { maxLength: 8 }).map((w) => w.join(' ')),
);

describe('the command parser under 10,000 random inputs', () => {
  it('never throws, and every non-valid outcome carries a message naming what is wrong', () => {
    fc.assert(
      fc.property(line, (text) => {
        const intake = intakeText(text, registry, targets);
        switch (intake.kind) {
          case 'unknown':
            expect(intake.name.length).toBeGreaterThan(0);
            break;
          case 'syntax':
            expect(intake.message).toMatch(/quote|given twice/);
            break;
          case 'invalid':
            expect(intake.problems.length).toBeGreaterThan(0);
            for (const p of intake.problems) expect(p.message.length).toBeGreaterThan(0);
            break;
          case 'valid': {
            // A valid request passed the command's schema: parsing it again gives the same args.
            const again = intake.command.args.safeParse(intake.args);
            expect(again.success).toBe(true);
            break;
          }
          default:
            expect(['help', 'incomplete']).toContain(intake.kind);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
