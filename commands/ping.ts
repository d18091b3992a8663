import { defineCommand, step, z } from '../src/sdk/index.ts';

/** Checks the whole pipeline (Slack → queue → worker → Slack) without touching anything. */
export default defineCommand({
  name: 'ping',
  summary: 'Check opsbot end to end: a run that changes nothing',
  args: z.object({}),
  policy: { default: { approvals: 0 } },
  readOnly: true,
  run: [step('pong', 'Answer from a worker', async ({ runId }) => ({ pong: runId }))],
});
