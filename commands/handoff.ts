import {
  botService,
  defineCommand,
  type MaintenanceWindow,
  type OutputBlock,
  step,
  utc,
  z,
} from '../src/sdk/index.ts';
import { scopeOf } from './lib/maintenance.ts';
import { parseDuration } from './logs/time.ts';
import { handoffMessage } from './schedule/render.ts';

/**
 * Drop's on-call handoff: one card for the person taking over — open incidents, break-glass runs
 * not yet acknowledged, open maintenance windows, failed runs, requests waiting for approval, the
 * last result of each schedule and the notes of the shift. A `handoff` schedule posts it at shift change.
 */
const args = z.object({
  since: z
    .string()
    .default('12h')
    .refine((v) => {
      const ms = parseDuration(v);
      return ms !== undefined && ms > 0 && ms <= 7 * 86_400_000;
    }, 'a duration up to 7d, such as 12h or 8h')
    .describe('The shift to cover: 12h, 8h, 1d'),
});

type Args = z.output<typeof args>;

function maintenanceBlock(windows: MaintenanceWindow[]): OutputBlock {
  const lines = windows.map(
    (w) =>
      `• ${scopeOf(w.service)} until ${utc(w.plannedEnd)} — ${w.reason} (opened by ${w.by}; its alerts are posted muted)`,
  );
  return {
    type: 'text',
    text: `*Maintenance windows open*\n${lines.length ? lines.join('\n') : '_none_'}`.slice(
      0,
      2900,
    ),
  };
}

export default defineCommand({
  name: 'handoff',
  summary:
    'Shift handoff: open incidents, maintenance windows, break-glass, failed runs, approvals, schedules, notes',
  args,
  readOnly: true,
  policy: { default: { approvals: 0 } },
  run: [
    step<Args>('gather', 'Gather the handoff', async ({ args: a, ports, output }) => {
      const view = await botService(ports, 'handoff').view({ sinceMs: parseDuration(a.since)! });
      const message = handoffMessage(view);
      const windows = ports.maintenance ? await ports.maintenance.list() : undefined;
      // After the open incidents: while a window is open, that service's alerts are posted muted.
      if (windows && message.blocks) message.blocks.splice(2, 0, maintenanceBlock(windows));
      await output.post(message);
      return { posted: true, maintenance: windows?.length ?? null };
    }),
  ],
});
