import type { DeployEntry, DeployHistoryPort } from '../../src/sdk/ports/index.ts';

/** Deploy history in memory (one list for every alias), for tests whose commands never read it. */
export function memoryDeploys(): DeployHistoryPort {
  const entries: DeployEntry[] = [];
  return {
    record: async (_target, entry) => {
      entries.push(entry);
    },
    list: async (_target, limit = 10) => entries.slice(-limit).reverse(),
  };
}
