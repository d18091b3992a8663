import { botService, defineCommand, step, z } from '../src/sdk/index.ts';
import { parseDuration } from './logs/time.ts';
import { handoffMessage } from './schedule/render.ts';

/**
 * Drop's on-call handoff: one card for the person taking over — open incidents, break-glass runs
 * not yet acknowledged, failed runs, requests waiting for approval, the last result of each
 * schedule and the notes of the shift. A `handoff` schedule posts it at shift change.
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

export default defineCommand({
  name: 'handoff',
  summary: 'Shift handoff: open incidents, break-glass, failed runs, approvals, schedules, notes',
  args,
  readOnly: true,
  policy: { default: { approvals: 0 } },
  run: [
    step<Args>('gather', 'Gather the handoff', async ({ args: a, aws, output }) => {
      const view = await botService(aws, 'handoff').view({ sinceMs: parseDuration(a.since)! });
      await output.post(handoffMessage(view));
      return { posted: true };
    }),
  ],
});
