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

/** Runs whose `running` call found no window to note them in, remembered at most this many. */
const UNNOTED_KEPT = 10_000;

/**
 * Notes each run made on a service while a window is open on it (its phase follows as it ends),
 * for the window's summary. `maintenance` runs themselves are not counted. Never throws.
 *
 * A run's end only changes windows its start noted it in (the phase is set on a noted run only),
 * and every attempt tells its start before its end, in the same process. So when the start found
 * no open window on the run's service, the end looks none up (one Redis read per run, not two).
 */
export function maintenanceRunHooks(
  store: MaintenanceStore,
  registry: Registry,
  targets: FileConfig['targets'],
): RunHooks {
  const unnoted = new Set<string>();
  return {
    async runChanged(job, phase) {
      if (job.command === 'maintenance') return;
      const runId = runIdFor(job.id);
      // A new attempt's start decides afresh (a window may have opened since the last attempt).
      if (unnoted.delete(runId) && phase !== 'running') return;
      try {
        const open = await store.listOpen();
        let noted = false;
        for (const window of open) {
          if (!onService(registry, targets, job, window.service)) continue;
          noted = true;
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
        if (phase === 'running' && !noted) remember(unnoted, runId);
      } catch {
        // A hook must not throw; the summary then misses the run.
      }
    },
  };
}

/** Adds `runId`, forgetting the oldest past `UNNOTED_KEPT` (a run retried elsewhere never ends here). */
function remember(unnoted: Set<string>, runId: string) {
  unnoted.delete(runId);
  unnoted.add(runId);
  if (unnoted.size > UNNOTED_KEPT) unnoted.delete(unnoted.values().next().value!);
}
