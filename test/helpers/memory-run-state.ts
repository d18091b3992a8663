import type { RunState } from '../../src/sdk/run-state.ts';

/** A RunState in memory, for calling steps directly in unit tests (one run, no other runs). */
export function memoryRunState(memory = new Map<string, unknown>()): RunState {
  const values = new Map<string, unknown>();
  return {
    load: async <T>(name: string) => values.get(name) as T | undefined,
    save: async (name, value) => {
      values.set(name, JSON.parse(JSON.stringify(value)));
    },
    loadOf: async () => undefined,
    hold: async () => ({ release: async () => {} }),
    stopRequestedBy: async () => undefined,
    recall: async <T>(name: string) => memory.get(name) as T | undefined,
    remember: async (name, value) => {
      memory.set(name, JSON.parse(JSON.stringify(value)));
    },
  };
}
