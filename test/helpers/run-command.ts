import type { FileConfig } from '../../src/config/file.ts';
import {
  type AnyCommand,
  type OutputMessage,
  type Plan,
  type StepContext,
  stepsOf,
} from '../../src/sdk/command.ts';
import type { AwsPorts } from '../../src/sdk/ports.ts';
import { memoryRunState } from './memory-run-state.ts';

/**
 * Runs a command's validate, plan and steps in this process, without Slack or the queue: for tests
 * of what a command asks of its ports. Steps named in `done` are skipped (a retried run).
 */
export async function runCommand(
  command: AnyCommand,
  raw: Record<string, string>,
  options: {
    targets: FileConfig['targets'];
    aws: AwsPorts;
    runId?: string;
    done?: Record<string, unknown>;
    plan?: Plan;
  },
) {
  const args = command.args.parse(raw);
  const problems = command.validate?.(args, options.targets) ?? [];
  if (problems.length > 0)
    throw new Error(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  const posts: OutputMessage[] = [];
  const progress: string[] = [];
  const records: { event: string; data: Record<string, unknown> }[] = [];
  const ctx: StepContext<Record<string, unknown>> = {
    args,
    request: {
      id: 'req-test',
      command: command.name,
      requester: 'U0ALICE',
      channel: 'C0OPS',
      environment: 'prod',
    },
    targets: options.targets,
    aws: options.aws,
    runId: options.runId ?? 'run-test',
    plan: options.plan,
    results: { ...options.done },
    attempt: 1,
    state: memoryRunState(),
    signal: new AbortController().signal,
    progress: (note) => progress.push(note),
    record: (event, data) => records.push({ event, data }),
    output: {
      post: async (message) => {
        posts.push(message);
        return { id: String(posts.length) };
      },
      update: async () => {},
      upload: async () => {},
      toRequester: async (message) => {
        posts.push(message);
      },
    },
  };
  if (command.plan && !options.plan) ctx.plan = await command.plan(ctx);
  for (const step of stepsOf(command, args, options.targets)) {
    if (step.name in ctx.results) continue;
    ctx.results[step.name] = await step.run(ctx);
  }
  return { plan: ctx.plan, results: ctx.results, posts, progress, records };
}
