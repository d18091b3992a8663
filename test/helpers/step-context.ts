import type { FileConfig } from '../../src/config/file.ts';
import {
  type AnyCommand,
  type OutputMessage,
  type Plan,
  type StepContext,
  stepsOf,
} from '../../src/sdk/command.ts';
import { PermanentError } from '../../src/sdk/errors.ts';
import type { GuidedRunbooksPort } from '../../src/sdk/guided.ts';
import type { IncidentsPort } from '../../src/sdk/incidents.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { argsProblems } from '../../src/sdk/targets.ts';
import { memoryRunState } from './memory-run-state.ts';

/** What a run's steps did to the outside world besides AWS: events recorded, messages. */
export interface Captured {
  records: { event: string; data: Record<string, unknown> }[];
  toRequester: OutputMessage[];
  posts: OutputMessage[];
  progress: string[];
}

// biome-ignore lint/suspicious/noExplicitAny: a context for whichever command is under test.
type AnyArgs = any;

export interface StepContextOptions {
  command: AnyCommand;
  args: Record<string, unknown>;
  ports: Ports;
  targets: FileConfig['targets'];
  requestId?: string;
  requester?: string;
  /** Defaults to the request id with `run_` for `req_`. */
  runId?: string;
  /** Results of steps that already finished (a retried run): they are skipped. */
  done?: Record<string, unknown>;
  /** The plan that was shown; without it, `runAll` makes one. */
  plan?: Plan;
  /** What the command remembers across runs (share one map between runs). */
  memory?: Map<string, unknown>;
  /** The open incidents; without it, reading them fails as in a process without incidents. */
  incidents?: IncidentsPort;
  /** Guided runbooks, for the `runbook` command. */
  guided?: GuidedRunbooksPort;
}

const noIncidents: IncidentsPort = {
  listOpen: () => Promise.reject(new PermanentError('incidents_unavailable', 'no incidents here')),
};

/**
 * A step context like the worker's, without Redis or Slack, so a command's plan and steps can be
 * called directly (and called again, as a retried run would after a crash).
 */
export function stepContext(options: StepContextOptions) {
  const captured: Captured = { records: [], toRequester: [], posts: [], progress: [] };
  const args = options.command.args.parse(options.args) as AnyArgs;
  const requestId = options.requestId ?? 'req_0123456789abcdef';
  const ctx: StepContext<AnyArgs> = {
    args,
    request: {
      id: requestId,
      command: options.command.name,
      requester: options.requester ?? 'U0ALICE',
      channel: 'C0OPS',
      environment: 'prod',
    },
    targets: options.targets,
    ports: options.ports,
    runId: options.runId ?? requestId.replace(/^req_/, 'run_'),
    plan: options.plan,
    results: { ...options.done },
    attempt: 1,
    state: memoryRunState(options.memory),
    signal: new AbortController().signal,
    incidents: options.incidents ?? noIncidents,
    ...(options.guided ? { guided: options.guided } : {}),
    progress: (note) => captured.progress.push(note),
    record: (event, data) => captured.records.push({ event, data }),
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
  const runOne = async (name: string, run: (c: typeof ctx) => Promise<unknown>) => {
    const result = await run(ctx);
    // As the worker's checkpoints do, later steps read a JSON copy.
    ctx.results[name] = JSON.parse(JSON.stringify(result ?? null));
    return result;
  };
  return {
    ctx,
    captured,
    steps,
    /** Runs one step by name and stores its result where later steps read it. */
    async runStep(name: string) {
      const step = steps.find((s) => s.name === name);
      if (!step) throw new Error(`no step ${name}`);
      return runOne(name, step.run);
    },
    /** The plan, then every step not in `skip` nor `done` (as a retry skips checkpointed steps). */
    async runAll(skip: string[] = []) {
      if (options.command.plan && !ctx.plan) ctx.plan = await options.command.plan(ctx);
      for (const step of steps) {
        if (skip.includes(step.name) || (options.done && step.name in options.done)) continue;
        await runOne(step.name, step.run);
      }
      return ctx.results;
    },
  };
}

/**
 * Runs a command as a request would, in this process without Slack or the queue: validate (with
 * the config), plan, then the steps. For tests of what a command asks of its ports.
 */
export async function runCommand(
  command: AnyCommand,
  raw: Record<string, string>,
  options: Omit<StepContextOptions, 'command' | 'args'>,
) {
  const problems = argsProblems(command, command.args.parse(raw), options.targets);
  if (problems.length > 0)
    throw new Error(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  const run = stepContext({
    requestId: 'req-test',
    runId: 'run-test',
    ...options,
    command,
    args: raw,
  });
  const results = await run.runAll();
  return { plan: run.ctx.plan, results, ...run.captured };
}
