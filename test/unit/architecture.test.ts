import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface KnownViolation {
  from: string;
  to: string;
  rule: { name: string };
}

/** The import rules of .dependency-cruiser.cjs (issue 15), as `npm run deps` checks them. */
describe('import rules', () => {
  it('src/ and commands/ keep the import rules, apart from the listed known violations', () => {
    const out = execFileSync(
      'node_modules/.bin/depcruise',
      ['src', 'commands', '--ignore-known', 'depcruise-baseline.json', '--output-type', 'err'],
      { encoding: 'utf8' },
    );
    expect(out).toContain('no dependency violations found');
  }, 60_000);

  it('there are no known violations: the baseline is empty (incidents no longer import src/slack)', () => {
    const known = JSON.parse(readFileSync('depcruise-baseline.json', 'utf8')) as KnownViolation[];
    expect(known.map((v) => `${v.from} → ${v.to} (${v.rule.name})`)).toEqual([]);
  });
});
