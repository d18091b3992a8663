import type { FileConfig } from '../../config/file.ts';

/** The name of the checklist and schedule local mode adds. */
export const DEMO = 'demo-daily';

/**
 * Local mode's demo: a `demo-daily` checklist over the config's own targets and a schedule that
 * runs it every 2 minutes into the ops channel, so a newcomer sees digests arrive in the console.
 * In the sandbox the first readiness URL reports a failing check (a steady ✗), and the sandbox
 * log generator writes an ERROR line every 8 s, so a 1-minute count of 7 or 8 against max=7 flips
 * between ✓ and ✗: "changed since the last run" has something to say. Added only when the config
 * has no checklist or schedule of that name.
 */
export function withDemoSchedule(file: FileConfig): FileConfig {
  const endpoint = Object.entries(file.targets.endpoints).find(([, e]) => e.ready_url)?.[0];
  const service = Object.keys(file.targets.services)[0];
  const logs = Object.keys(file.targets.logs ?? {})[0];
  const checks = [
    ...(endpoint ? [`health ${endpoint}`] : []),
    ...(service ? [`service-status ${service}`] : []),
    'incidents severity=critical',
    ...(logs ? [`log-errors ${logs} since=1m max=7`] : []),
  ];
  // `log-errors` reads log events: only operators may request it, so the demo schedule joins them.
  const operators = file.groups.operators;
  const groups =
    logs && operators
      ? {
          ...file.groups,
          operators: { ...operators, schedules: [...(operators.schedules ?? []), DEMO] },
        }
      : file.groups;
  return {
    ...file,
    groups,
    checklists: {
      [DEMO]: {
        title: 'Demo daily checks',
        checks,
        timeout_seconds: 10,
        incident_severity: 'high',
      },
      ...file.checklists,
    },
    schedules: {
      [DEMO]: {
        cron: '*/2 * * * *',
        timezone: 'UTC',
        command: `checklist ${DEMO}`,
        enabled: true,
      },
      ...file.schedules,
    },
  };
}
