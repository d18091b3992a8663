import type { Ports } from '../../src/sdk/ports/index.ts';
import type { ChecklistsPort, HandoffPort, SchedulesPort } from '../../src/sdk/schedules.ts';

/**
 * Stand-ins for the bot's own services (src/schedules) that `checklist`, `schedule` and `handoff`
 * reach through their ports; they call no AWS API.
 */
export function withBotServices(ports: Ports): Ports {
  const checklists: ChecklistsPort = {
    names: () => ['daily'],
    run: async () => ({ message: { text: 'Daily: 1 ✓ · 0 ⚠ · 0 ✗' }, status: 'ok', summary: '' }),
  };
  const schedules: SchedulesPort = {
    list: async () => [],
    runNow: async () => 'req_x',
    setPaused: async () => true,
  };
  const handoff: HandoffPort = {
    view: async () => ({
      since: 0,
      now: 1,
      incidents: [],
      breakGlass: [],
      failedRuns: [],
      awaitingApproval: [],
      schedules: [],
      notes: [],
    }),
  };
  return { ...ports, checklists, schedules, handoff } as Ports;
}
