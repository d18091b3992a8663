import type { FileConfig } from '../../src/config/file.ts';
import {
  type AnyCommand,
  type OutputMessage,
  type StepContext,
  stepsOf,
} from '../../src/sdk/command.ts';
import type { AwsPorts } from '../../src/sdk/ports.ts';
import { memoryRunState } from './memory-run-state.ts';

/** What a run's steps did to the outside world besides AWS: events recorded, private messages. */
export interface Captured {
  events: { event: string; data: Record<string, unknown> }[];
  toRequester: OutputMessage[];
  posts: OutputMessage[];
  progress: string[];
}

/**
 * A step context like the worker's, without Redis or Slack, so a command's plan and steps can be
 * called directly (and called again, as a retried run would after a crash).
 */
// biome-ignore lint/suspicious/noExplicitAny: a context for whichever command is under test.
type AnyArgs = any;

export function stepContext(options: {
  command: AnyCommand;
  args: Record<string, unknown>;
  aws: AwsPorts;
  targets: FileConfig['targets'];
  requestId?: string;
  requester?: string;
}) {
  const captured: Captured = { events: [], toRequester: [], posts: [], progress: [] };
  const args = options.command.args.parse(options.args) as AnyArgs;
  const ctx: StepContext<AnyArgs> = {
    args,
    request: {
      id: options.requestId ?? 'req_0123456789abcdef',
      command: options.command.name,
      requester: options.requester ?? 'U0ALICE',
      channel: 'C0OPS',
      environment: 'prod',
    },
    targets: options.targets,
    aws: options.aws,
    runId: (options.requestId ?? 'req_0123456789abcdef').replace(/^req_/, 'run_'),
    plan: undefined,
    results: {},
    attempt: 1,
    state: memoryRunState(),
    signal: new AbortController().signal,
    progress: (note) => captured.progress.push(note),
    record: (event, data) => captured.events.push({ event, data }),
    output: {
      post: async (message) => {
        captured.posts.push(message);
        return { id: String(captured.posts.length) };
      },
      update: async () => {},
      upload: async () => {},
      toRequester: async (message) => {
        captured.toRequester.push(message);
      },
    },
  };
  const steps = stepsOf(options.command, args, options.targets);
  return {
    ctx,
    captured,
    steps,
    /** Runs one step by name and stores its result where later steps read it. */
    async runStep(name: string) {
      const step = steps.find((s) => s.name === name);
      if (!step) throw new Error(`no step ${name}`);
      const result = await step.run(ctx);
      ctx.results[name] = JSON.parse(JSON.stringify(result ?? null));
      return result;
    },
    /** The plan, then every step not in `skip` (as a retry skips checkpointed steps). */
    async runAll(skip: string[] = []) {
      if (options.command.plan && !ctx.plan) ctx.plan = await options.command.plan(ctx);
      for (const step of steps) {
        if (skip.includes(step.name)) continue;
        const result = await step.run(ctx);
        ctx.results[step.name] = JSON.parse(JSON.stringify(result ?? null));
      }
      return ctx.results;
    },
  };
}
