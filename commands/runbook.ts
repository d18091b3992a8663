import { defineCommand, step, UserError, z } from '../src/sdk/index.ts';

/**
 * Guided runbooks (YAML files in `runbooks/`): `list` them, `start` one (it posts a runbook card
 * whose steps people confirm and opsbot runs), and show the executions in progress (`status`).
 */
const ACTIONS = ['list', 'start', 'status'] as const;

const args = z.object({
  line: z
    .string()
    .max(1000, 'at most 1000 characters')
    .default('list')
    .describe('list | status | start <name> [param=value …]'),
});
type Args = z.output<typeof args>;

const actionOf = (line: string) => {
  const [word = 'list', ...rest] = line.trim().split(/\s+/);
  return { action: word.toLowerCase(), rest: line.trim().slice(word.length).trim(), words: rest };
};

export default defineCommand({
  name: 'runbook',
  summary: 'Guided runbooks: /ops runbook list | status | start <name> [param=value …]',
  args,
  positional: ['line'],
  rest: 'line',
  policy: { default: { approvals: 0 } },
  validate(a: Args) {
    const { action, rest } = actionOf(a.line);
    if (!(ACTIONS as readonly string[]).includes(action))
      return [{ field: 'line', message: `say list, status or start <name> (got "${action}")` }];
    if (action === 'start' && rest === '')
      return [{ field: 'line', message: 'name the runbook: start <name> [param=value …]' }];
    return [];
  },
  run: [
    step<Args>(
      'runbook',
      'List, start or show guided runbooks',
      async ({ args: a, guided, request, output }) => {
        if (!guided)
          throw new UserError(
            'guided_unavailable',
            'guided runbooks are not wired in this process',
          );
        const { action, rest } = actionOf(a.line);
        if (action === 'start') {
          const started = await guided.start({
            text: rest,
            requestId: request.id,
            starter: request.requester,
            channel: request.channel,
            ...(request.threadTs ? { threadTs: request.threadTs } : {}),
          });
          await output.post({
            text: `Started runbook ${started.name} (${started.id}): its card lists the ${started.steps} steps.`,
          });
          return { execution: started.id };
        }
        if (action === 'status') {
          const active = await guided.active();
          await output.post({
            text: active.length
              ? `${active.length} runbook(s) in progress`
              : 'No runbook is in progress.',
            blocks: active.length
              ? [
                  {
                    type: 'rows',
                    rows: active.map((e) => ({
                      text: `${e.name} (${e.id}) step ${e.step}/${e.steps} ${e.stepState}: ${e.stepText.slice(0, 60)} · started by ${e.starter}`,
                    })),
                  },
                ]
              : undefined,
          });
          return { active: active.length };
        }
        const list = guided.list();
        await output.post({
          text: `${list.length} guided runbook(s)`,
          blocks: [
            {
              type: 'rows',
              rows: list.map((r) => ({
                text: `${r.name} — ${r.title} (${r.steps} steps${r.params.length ? `; params: ${r.params.map((p) => (p.required ? `${p.name}*` : p.name)).join(', ')}` : ''}) · source: ${r.source}`,
              })),
            },
          ],
        });
        return { runbooks: list.length };
      },
    ),
  ],
});
