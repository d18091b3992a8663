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

  it('the known violations are only the incidents code that still renders Slack (next round)', () => {
    const known = JSON.parse(readFileSync('depcruise-baseline.json', 'utf8')) as KnownViolation[];
    for (const violation of known) {
      expect(violation.from).toMatch(/^src\/incidents\//);
      expect(violation.rule.name).toBe('domain-does-not-render-slack');
    }
  });
});
