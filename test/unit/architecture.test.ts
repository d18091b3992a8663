import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CruiseModule,
  folderCycles,
  folderGraph,
  KNOWN,
  mutualPairs,
} from '../helpers/folder-graph.ts';

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

/**
 * One dependency-cruiser run over src/ and commands/ with the rules of .dependency-cruiser.cjs and
 * the known violations ignored, as `npm run deps` runs it; its JSON holds both the violations and
 * the module graph the folder-cycle check reads.
 */
let cruise: { modules: CruiseModule[]; summary: { violations: Violation[] } };
beforeAll(() => {
  const out = execFileSync(
    'node_modules/.bin/depcruise',
    ['src', 'commands', '--ignore-known', 'depcruise-baseline.json', '--output-type', 'json'],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  cruise = JSON.parse(out);
}, 120_000);

/** The import rules of .dependency-cruiser.cjs (issue 15), as `npm run deps` checks them. */
describe('import rules', () => {
  it('src/ and commands/ keep the import rules, apart from the listed known violations', () => {
    // What `npm run deps` reports ("no dependency violations found" when this is empty).
    const reported = cruise.summary.violations.filter((v) => v.rule.severity !== 'ignore');
    expect(reported.map((v) => `${v.from} → ${v.to} (${v.rule.name})`)).toEqual([]);
  });

  it('there are no known violations: the baseline is empty (incidents no longer import src/slack)', () => {
    const known = JSON.parse(readFileSync('depcruise-baseline.json', 'utf8')) as Violation[];
    expect(known.map((v) => `${v.from} → ${v.to} (${v.rule.name})`)).toEqual([]);
  });
});

/** Issue 15, item 7: no folder cycles (test/helpers/folder-graph.ts). */
describe('folder cycles', () => {
  it('src/ folders import each other one way only, apart from the known cycles', () => {
    const graph = folderGraph(cruise.modules);
    // Every folder cycle is made only of known pairs (a longer cycle through new edges fails)…
    expect(mutualPairs(graph)).toEqual([...KNOWN].sort());
    const known = new Set(KNOWN);
    const withoutKnown = new Map(
      [...graph].map(([from, tos]) => [
        from,
        new Set([...tos].filter((to) => !known.has([from, to].sort().join(',')))),
      ]),
    );
    // …and with the known pairs' edges left out, no cycle remains.
    expect(folderCycles(withoutKnown)).toEqual([]);
  });
});
