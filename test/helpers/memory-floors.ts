import type { AppendFloors } from '../../src/audit/append.ts';

/** The ledger writer's floors, in memory: the lowest seq tried per entry. */
export function memoryFloors(): AppendFloors {
  const floors = new Map<string, number>();
  return {
    async register(id, seq) {
      const floor = Math.min(floors.get(id) ?? seq, seq);
      floors.set(id, floor);
      return floor;
    },
  };
}
