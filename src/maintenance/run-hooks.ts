import type { FileConfig } from '../config/file.ts';
import type { Registry } from '../intake/validate.ts';
import { argsText, runIdFor } from '../requests/request.ts';
import type { RunHooks } from '../run/hooks.ts';
import type { MaintenanceStore } from './store.ts';

/** True when a run acts on the service: it locks `service:<name>` or names it as its `service`. */
function onService(
  registry: Registry,
  targets: FileConfig['targets'],
  job: { command: string; args: Record<string, unknown> },
  service: string,
): boolean {
  if (service === 'all' || job.args.service === service) return true;
  try {
    const resources = registry.find(job.command)?.resources?.(job.args, targets) ?? [];
    return resources.includes(`service:${service}`);
  } catch {
    return false;
  }
}

/**
 * Notes each run made on a service while a window is open on it (its phase follows as it ends),
 * for the window's summary. `maintenance` runs themselves are not counted. Never throws.
 */
export function maintenanceRunHooks(
  store: MaintenanceStore,
  registry: Registry,
  targets: FileConfig['targets'],
): RunHooks {
  return {
    async runChanged(job, phase) {
      if (job.command === 'maintenance') return;
      try {
        const open = await store.listOpen();
        const runId = runIdFor(job.id);
        for (const window of open) {
          if (!onService(registry, targets, job, window.service)) continue;
          if (phase === 'running')
            await store.noteRun(window.id, {
              runId,
              command: `${job.command} ${argsText(job.args)}`.trim(),
              requester: job.requester,
              at: Date.now(),
              phase,
            });
          else await store.setRunPhase(window.id, runId, phase);
        }
      } catch {
        // A hook must not throw; the summary then misses the run.
      }
    },
  };
}
