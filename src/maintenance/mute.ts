import picomatch from 'picomatch';
import type { Alert } from '../alerts/alert.ts';
import { alarmNameOf } from '../incidents/runbooks.ts';
import type { MaintenanceService } from '../sdk/maintenance-config.ts';
import type { MaintenanceWindow } from '../sdk/ports/maintenance.ts';
import type { MaintenanceStore } from './store.ts';

/** True when the alert belongs to the service: any alarm-name glob, or every label matcher. */
export function alertMatches(service: MaintenanceService, alert: Alert): boolean {
  const name = alarmNameOf(alert);
  if (service.alarm_names.some((glob) => picomatch.isMatch(name, glob))) return true;
  const labels = Object.entries(service.labels);
  return (
    labels.length > 0 &&
    labels.every(([label, glob]) => {
      const value = alert.labels?.[label];
      return value !== undefined && picomatch.isMatch(value, glob);
    })
  );
}

/**
 * What the incident service asks before posting a parent: the open window (not past its planned
 * end, even when the job that closes it has not run yet) whose service the alert matches.
 */
export function maintenanceMute(
  store: MaintenanceStore,
  services: Record<string, MaintenanceService>,
) {
  return {
    async windowFor(alert: Alert, now = Date.now()): Promise<MaintenanceWindow | undefined> {
      const open = (await store.listOpen()).filter((w) => w.plannedEnd > now);
      return open.find((w) => {
        if (w.service === 'all') return true;
        const service = services[w.service];
        return service !== undefined && alertMatches(service, alert);
      });
    },
    noteMuted: (windowId: string, incident: { id: string; title: string }) =>
      store.noteMuted(windowId, incident.id, incident.title),
  };
}
