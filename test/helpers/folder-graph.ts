/**
 * Issue 15, item 7: no folder cycles. dependency-cruiser checks module cycles; this collapses its
 * graph to src/ folders so a test can fail when two folders reach each other, so imports point one
 * way (config is read by everyone and imports no domain code; requests → run → queue, not back).
 * test/unit/architecture.test.ts applies it to the real graph; test/unit/folder-cycles.test.ts
 * checks the algorithm.
 */

/** Wiring and tooling sit above every folder: the composition root, the CLI, local mode. */
const ABOVE_EVERYTHING = /^src\/(opsbot\.ts|main\.ts|roles\/|cli\/|dev\/)/;

/**
 * Cycles known today, each as its folders in sorted order. Remove an entry when it is fixed; never
 * add one. None is left: the last, notify ↔ slack, went when notify stopped importing src/slack
 * (requests and run define renderer ports that src/slack/blocks implements and src/roles hands
 * over, and the Block Kit content type lives in src/notify/message-content.ts).
 */
export const KNOWN: string[] = [];

export interface CruiseModule {
  source: string;
  dependencies: { resolved: string }[];
}

export function folderOf(path: string): string | undefined {
  if (ABOVE_EVERYTHING.test(path)) return undefined;
  return /^src\/([^/]+)\//.exec(path)?.[1];
}

/** Folder → the folders it imports, from dependency-cruiser's module list. */
export function folderGraph(modules: CruiseModule[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const module of modules) {
    const from = folderOf(module.source);
    if (!from) continue;
    for (const dependency of module.dependencies) {
      const to = folderOf(dependency.resolved);
      if (!to || to === from) continue;
      graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

/** The strongly connected groups of two or more folders (Tarjan), each sorted and joined by ','. */
export function folderCycles(graph: Map<string, Set<string>>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[] = [];
  const visit = (folder: string) => {
    index.set(folder, index.size);
    low.set(folder, index.get(folder)!);
    stack.push(folder);
    onStack.add(folder);
    for (const next of graph.get(folder) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(folder, Math.min(low.get(folder)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(folder, Math.min(low.get(folder)!, index.get(next)!));
      }
    }
    if (low.get(folder) !== index.get(folder)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== folder);
    if (group.length > 1) groups.push(group.sort().join(','));
  };
  for (const folder of graph.keys()) if (!index.has(folder)) visit(folder);
  return groups.sort();
}

/** Each pair of folders that import each other directly, sorted and joined by ','. */
export function mutualPairs(graph: Map<string, Set<string>>): string[] {
  const pairs: string[] = [];
  for (const [from, tos] of graph)
    for (const to of tos) if (from < to && graph.get(to)?.has(from)) pairs.push(`${from},${to}`);
  return pairs.sort();
}
