import picomatch from 'picomatch';
import type { Alert } from '../alerts/alert.ts';
import type { RunbookMapping } from '../config/alerts.ts';
import type { RunbookButton } from './notices.ts';

/** The name an alarm-name glob is matched against: CloudWatch AlarmName, Alertmanager alertname, else the title. */
export function alarmNameOf(alert: Alert): string {
  return alert.labels?.alarm_name ?? alert.labels?.alertname ?? alert.title;
}

/** True when every matcher the mapping gives matches (globs, case-sensitive). */
export function mappingMatches(mapping: RunbookMapping, alert: Alert): boolean {
  if (
    mapping.alarm_name !== undefined &&
    !picomatch.isMatch(alarmNameOf(alert), mapping.alarm_name)
  )
    return false;
  for (const [label, glob] of Object.entries(mapping.labels ?? {})) {
    const value = alert.labels?.[label];
    if (value === undefined || !picomatch.isMatch(value, glob)) return false;
  }
  return true;
}

/** Button value: `<incident id>|<mapping name>|<button index>`; the command is looked up on click. */
function runbookValue(incidentId: string, mapping: string, index: number): string {
  return `${incidentId}|${mapping}|${index}`;
}

export function parseRunbookValue(value: string) {
  const match = /^(inc_[0-9a-f]{12})\|([a-z0-9][a-z0-9_.-]*)\|(\d{1,2})$/.exec(value);
  return match ? { incidentId: match[1]!, mapping: match[2]!, index: Number(match[3]) } : undefined;
}

/** The runbook buttons an incident shows: those of every mapping that matches, up to `max`. */
export function runbookButtons(
  mappings: RunbookMapping[],
  incidentId: string,
  alert: Alert,
  max = 10,
): RunbookButton[] {
  const buttons: RunbookButton[] = [];
  for (const mapping of mappings) {
    if (!mappingMatches(mapping, alert)) continue;
    mapping.buttons.forEach((button, index) => {
      buttons.push({
        label: button.label,
        value: runbookValue(incidentId, mapping.name, index),
        ...(button.style ? { style: button.style } : {}),
      });
    });
  }
  return buttons.slice(0, max);
}
