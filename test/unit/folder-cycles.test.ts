import { describe, expect, it } from 'vitest';
import { folderCycles, folderGraph, folderOf } from '../helpers/folder-graph.ts';

/**
 * The folder-cycle check's algorithm (test/helpers/folder-graph.ts). test/unit/architecture.test.ts
 * applies it to the real graph, from the one dependency-cruiser run it shares with the import
 * rules.
 */
describe('folder cycles', () => {
  it('finds a cycle through three folders and none in a chain', () => {
    const graph = (edges: string[]) =>
      folderGraph(
        edges.map((edge) => {
          const [from, to] = edge.split('>');
          return { source: `src/${from}/a.ts`, dependencies: [{ resolved: `src/${to}/b.ts` }] };
        }),
      );
    expect(folderCycles(graph(['a>b', 'b>c', 'c>a', 'c>d']))).toEqual(['a,b,c']);
    expect(folderCycles(graph(['a>b', 'b>c', 'a>c']))).toEqual([]);
    expect(folderOf('src/opsbot.ts')).toBeUndefined();
    expect(folderOf('src/dev/local/start-local.ts')).toBeUndefined();
  });
});
