import { SyntaxProblem, tokenize } from '../intake/tokenize.ts';
import { UserError } from '../sdk/errors.ts';
import type { GuidedExecutionSummary, GuidedRunbooksPort } from '../sdk/guided.ts';
import type { GuidedRunbook } from './definition.ts';
import type { GuidedEngine } from './engine.ts';
import type { Execution } from './execution.ts';

function summary(ex: Execution, runbook: GuidedRunbook | undefined): GuidedExecutionSummary {
  const index = Math.min(ex.current, ex.steps.length - 1);
  return {
    id: ex.id,
    name: ex.runbook,
    title: ex.title,
    status: ex.status,
    step: index + 1,
    steps: ex.steps.length,
    stepText: runbook?.steps[index]?.text ?? '',
    stepState: ex.steps[index]?.state ?? 'pending',
    starter: ex.starter,
    startedAt: ex.startedAt,
  };
}

/** Reads `<name> [param=value …]`: parameters only as key=value, never flags or extra words. */
export function parseStartText(text: string): { name: string; params: Record<string, string> } {
  let line: ReturnType<typeof tokenize>;
  try {
    line = tokenize(text);
  } catch (error) {
    if (error instanceof SyntaxProblem) throw new UserError('runbook_syntax', error.message);
    throw error;
  }
  if (!line.command)
    throw new UserError('runbook_name', 'name the runbook: `/ops runbook start <name>`');
  if (line.flags.length > 0)
    throw new UserError(
      'runbook_flags',
      `a runbook takes no flags (${line.flags.map((f) => `--${f}`).join(', ')}); give parameters as name=value`,
    );
  if (line.positional.length > 0)
    throw new UserError(
      'runbook_words',
      `unexpected words ${line.positional.map((w) => `"${w}"`).join(', ')}: give parameters as name="value"`,
    );
  return { name: line.command, params: line.named };
}

/** The engine as the `runbook` command sees it. */
export function guidedPort(engine: GuidedEngine, opsChannel: string): GuidedRunbooksPort {
  return {
    list: () =>
      engine.list().map((r) => ({
        name: r.name,
        title: r.title,
        source: r.source,
        steps: r.steps.length,
        params: Object.entries(r.params).map(([name, p]) => ({ name, required: p.required })),
      })),
    async active() {
      const list = await engine.active();
      return list.map((ex) => summary(ex, engine.deps.library.find(ex.runbook)));
    },
    async start(input) {
      const { name, params } = parseStartText(input.text);
      const ex = await engine.start({
        name,
        params,
        requestId: input.requestId,
        starter: input.starter,
        // An incident thread keeps the card; otherwise it goes to the ops channel.
        channel: input.threadTs ? input.channel : opsChannel,
        ...(input.threadTs ? { threadTs: input.threadTs } : {}),
      });
      return summary(ex, engine.deps.library.find(ex.runbook));
    },
  };
}
