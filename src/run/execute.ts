import type { AuditSink } from '../audit/sink.ts';
import type { FileConfig } from '../config/file.ts';
import type { Registry } from '../intake/validate.ts';
import type { Logger } from '../log.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import type { ResourceLocks } from '../queue/locks.ts';
import { argsText, hashRequest, type RunJob, runIdFor } from '../requests/request.ts';
import { type AnyCommand, type Plan, type StepContext, stepsOf } from '../sdk/command.ts';
import { classify, PermanentError, UserError } from '../sdk/errors.ts';
import type { GuidedRunbooksPort } from '../sdk/guided.ts';
import type { IncidentsPort } from '../sdk/incidents.ts';
import type { Ports } from '../sdk/ports/index.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { sleep } from '../util/sleep.ts';
import { Checkpoints } from './checkpoints.ts';
import { driftBetween } from './drift.ts';
import type { RunHooks } from './hooks.ts';
import { RunReporter } from './reporter.ts';
import type { StepCheckpoint } from './run-end.ts';
import type { RunRenderer } from './run-renderer.ts';
import { runState } from './run-state.ts';
import { newRunView } from './run-view.ts';

export interface RunDeps {
  redis: Redis;
  keys: Keys;
  registry: Registry;
  targets: FileConfig['targets'];
  ports: Ports;
  incidents: IncidentsPort;
  /** Guided runbooks, for the `runbook` command. */
  guided?: GuidedRunbooksPort;
  writer: SlackWriter;
  /** How the run looks in Slack (src/slack/blocks, handed over by src/roles). */
  renderer: RunRenderer;
  locks: ResourceLocks;
  audit: AuditSink;
  log: Logger;
  opsChannel: string;
  /** How long a run waits for a resource another run holds before it gives up. */
  lockWaitMs: number;
  updateIntervalMs?: number;
  /** Told when a run starts, ends or fails for good (moves the request card). */
  hooks?: RunHooks;
}

/** `ended`: the run's end was recorded (`recordRunEnd`), so it left its member's runs in flight. */
export type RunOutcome =
  | { status: 'done'; ended: boolean }
  | { status: 'failed'; retry: boolean; code: string; message: string; ended: boolean };

const PLAN_CHECKPOINT = '__plan';

/** Which attempt of its run this is (from 1), and whether it is the last one BullMQ allows. */
export interface Attempt {
  attempt: number;
  last: boolean;
  /**
   * No attempt of this run ever started before (not even one whose worker died): it has no
   * progress message and no checkpoints, so neither is read.
   */
  firstStart: boolean;
}

/**
 * The executor: runs one attempt of a run. It checks the request hash, takes the resource locks,
 * re-checks the plan for drift and runs the steps not yet checkpointed. What the run tells Slack,
 * the audit trail and the request card goes through its `RunReporter`.
 */
export async function executeRun(
  job: RunJob,
  { attempt, last: lastAttempt, firstStart }: Attempt,
  deps: RunDeps,
  signal: AbortSignal = new AbortController().signal,
): Promise<RunOutcome> {
  const command = deps.registry.find(job.command);
  if (!command)
    return {
      status: 'failed',
      retry: false,
      code: 'unknown_command',
      message: `no command ${job.command}`,
      ended: false,
    };
  const runId = runIdFor(job.id);
  const log = deps.log.child({ request_id: job.id, run_id: runId, command: job.command });
  const steps = stepsOf(command, job.args, deps.targets);
  const view = newRunView(
    {
      runId,
      requestId: job.id,
      command: job.command,
      argsText: argsText(job.args),
      requester: job.requester,
      environment: job.environment,
      plan: job.plan?.summary,
      emergency: Boolean(job.emergency),
    },
    steps,
    attempt,
    Date.now(),
  );
  const checkpoints = new Checkpoints(deps.redis, deps.keys, runId);
  // Independent reads, sent together (one round trip, not two); none on a first start.
  const [reporter, done] = await Promise.all([
    RunReporter.open(job, view, { readOnly: Boolean(command.readOnly), firstStart }, log, deps),
    firstStart ? new Map<string, unknown>() : checkpoints.load(),
  ]);
  await reporter.started(attempt, attempt === 1 || done.size === 0);
  const at: { step?: string } = {};
  let held: Awaited<ReturnType<typeof waitForLocks>> | undefined;
  try {
    checkRequestHash(job);
    const resources = command.resources?.(job.args, deps.targets) ?? [];
    held = await waitForLocks(resources, runId, reporter, deps);
    const ctx = stepContext(job, runId, attempt, done, reporter, deps, signal);
    const last = await runSteps(command, steps, ctx, checkpoints, done, reporter, at);
    await reporter.done(last);
    return { status: 'done', ended: reporter.ended };
  } catch (thrown) {
    const error = classify(thrown);
    const retry = error.kind === 'transient' && !lastAttempt;
    await reporter.failed(error, retry, attempt, at.step);
    return {
      status: 'failed',
      retry,
      code: error.code,
      message: error.message,
      ended: reporter.ended,
    };
  } finally {
    await held?.release();
  }
}

/** What each step gets: the request, ports, earlier results, and the reporter's progress and output. */
function stepContext(
  job: RunJob,
  runId: string,
  attempt: number,
  done: Map<string, unknown>,
  reporter: RunReporter,
  deps: RunDeps,
  signal: AbortSignal,
): StepContext<Record<string, unknown>> {
  return {
    args: job.args,
    request: {
      id: job.id,
      command: job.command,
      requester: job.requester,
      channel: job.channel,
      environment: job.environment,
      ...(job.emergency ? { emergency: { reason: job.emergency.reason } } : {}),
      ...(job.threadTs ? { threadTs: job.threadTs } : {}),
    },
    targets: deps.targets,
    ports: deps.ports,
    runId,
    plan: (done.get(PLAN_CHECKPOINT) as Plan | undefined) ?? job.plan,
    results: Object.fromEntries(done),
    attempt,
    state: runState(deps.redis, deps.keys, deps.locks, runId, job.command),
    signal,
    incidents: deps.incidents,
    ...(deps.guided ? { guided: deps.guided } : {}),
    progress: (note) => reporter.progress(note),
    output: reporter.output(),
    record: (event, data) => reporter.record(event, data),
  };
}

/**
 * Re-plans (once per run: the fresh plan is checkpointed) and fails on drift from the approved
 * plan, then runs each step that has no checkpoint yet. `at.step` names where it is, for failures.
 * Returns the last step's checkpoint unsaved: the run's end saves it in the same script (one round
 * trip fewer). The only call that can fail between the two, a read-only run's deferred post, saves
 * it alone first (`RunReporter.open`), so a retry skips a done step as before.
 */
async function runSteps(
  command: AnyCommand,
  steps: ReturnType<typeof stepsOf>,
  ctx: StepContext<Record<string, unknown>>,
  checkpoints: Checkpoints,
  done: Map<string, unknown>,
  reporter: RunReporter,
  at: { step?: string },
): Promise<StepCheckpoint | undefined> {
  if (command.plan && !done.has(PLAN_CHECKPOINT)) {
    at.step = 'plan';
    const fresh = await command.plan(ctx);
    checkForDrift(ctx.plan, fresh);
    reporter.planChecked(fresh.summary);
    ctx.plan = fresh;
    await checkpoints.save({ step: PLAN_CHECKPOINT, result: fresh });
  }
  let last: StepCheckpoint | undefined;
  for (const [index, step] of steps.entries()) {
    at.step = step.name;
    if (done.has(step.name)) {
      reporter.stepSkipped(index);
      continue;
    }
    reporter.stepStarted(index);
    const result = await step.run(ctx);
    if (index === steps.length - 1) last = { step: step.name, result };
    else await checkpoints.save({ step: step.name, result });
    ctx.results[step.name] = result;
    reporter.stepDone(index);
  }
  return last;
}

/** An approval is bound to the hash of command + args + environment: a job that differs never runs. */
function checkRequestHash(job: RunJob) {
  if (job.argsHash !== hashRequest(job.command, job.args, job.environment)) {
    throw new PermanentError(
      'request_changed',
      'this run differs from what was requested and approved; nothing was changed. Make a new request.',
    );
  }
}

function checkForDrift(approved: Plan | undefined, fresh: Plan) {
  if (!approved) return;
  const drift = driftBetween(approved.facts, fresh.facts);
  if (drift.length > 0) {
    throw new PermanentError(
      'plan_drifted',
      `the world changed since this was approved (${drift.join('; ')}); nothing was changed. Make a new request.`,
    );
  }
}

async function waitForLocks(
  resources: string[],
  runId: string,
  reporter: RunReporter,
  deps: RunDeps,
) {
  if (resources.length === 0) return undefined;
  const deadline = Date.now() + deps.lockWaitMs;
  for (;;) {
    const result = await deps.locks.take(resources, runId);
    if ('release' in result) {
      reporter.locked();
      return result;
    }
    if (Date.now() >= deadline) {
      throw new UserError(
        'resource_busy',
        `${result.resource} is held by ${result.heldBy}; try again when it ends`,
      );
    }
    reporter.waiting(result.resource, result.heldBy);
    await sleep(250);
  }
}
