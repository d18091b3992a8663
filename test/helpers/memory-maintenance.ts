import type {
  MaintenancePort,
  MaintenanceSummary,
  MaintenanceWindow,
} from '../../src/sdk/ports/index.ts';

/**
 * An in-memory maintenance port for step-level tests (the Redis one, with its announcement, status
 * webhook and planned end, is tested in test/integration/maintenance.test.ts): one open window per
 * service, the same id adopts it, another is `busy`; `end` closes it once.
 */
export function memoryMaintenance() {
  const open = new Map<string, MaintenanceWindow>();
  const ended: MaintenanceSummary[] = [];
  const port: MaintenancePort = {
    list: async () => [...open.values()],
    async start(input) {
      const current = open.get(input.service);
      if (current)
        return { outcome: current.id === input.id ? 'adopted' : 'busy', window: current };
      const now = Date.now();
      const window: MaintenanceWindow = {
        ...input,
        startedAt: now,
        plannedEnd: now + input.durationMs,
      };
      delete (window as Partial<typeof input>).durationMs;
      open.set(input.service, window);
      return { outcome: 'opened', window };
    },
    async end({ service, by, id }) {
      const window = open.get(service);
      if (!window || (id !== undefined && window.id !== id)) return undefined;
      open.delete(service);
      const summary: MaintenanceSummary = {
        window,
        endedAt: Date.now(),
        how: 'manual',
        endedBy: by,
        runs: [],
        muted: [],
      };
      ended.push(summary);
      return summary;
    },
  };
  return { port, open, ended };
}
