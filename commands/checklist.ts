import { botService, defineCommand, step, z } from '../src/sdk/index.ts';

/**
 * Runs a checklist from config (`checklists:`): its checks in parallel, each under its own
 * timeout, then one digest card with what changed since the last run. Drop's daily checks and
 * Mantissa Log's morning checklist are two such lists.
 */
const args = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a checklist name from config')
    .describe('Checklist to run (a name under checklists: in config)'),
});

type Args = z.output<typeof args>;

export default defineCommand({
  name: 'checklist',
  summary: 'Run a checklist of read-only checks and post one digest with what changed',
  args,
  positional: ['name'],
  readOnly: true,
  policy: { default: { approvals: 0 } },
  run: [
    step<Args>(
      'checks',
      'Run the checks and post the digest',
      async ({ args: a, ports, request, output }) => {
        const outcome = await botService(ports, 'checklists').run(a.name, request);
        await output.post(outcome.message);
        return { status: outcome.status, summary: outcome.summary };
      },
    ),
  ],
});
