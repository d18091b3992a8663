import type { AuditSink } from '../audit/sink.ts';
import type { FileConfig } from '../config/file.ts';
import type { Registry } from '../intake/validate.ts';
import type { Logger } from '../log.ts';
import { runOutput } from '../notify/run-output.ts';
import { postRunProgress, RunProgress } from '../notify/run-progress.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import type { ResourceLocks } from '../queue/locks.ts';
import { argsText, hashRequest, type RunJob, runIdFor } from '../requests/request.ts';
import { type Plan, type StepContext, stepsOf } from '../sdk/command.ts';
import { PermanentError, UserError } from '../sdk/errors.ts';
import type { GuidedRunbooksPort } from '../sdk/guided.ts';
import type { IncidentsPort } from '../sdk/incidents.ts';
import type { Ports } from '../sdk/ports/index.ts';
import { type Keys, RUN_STATE_TTL_SECONDS } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { sleep } from '../util/sleep.ts';
import { Checkpoints } from './checkpoints.ts';
import { classify } from './classify.ts';
import { driftBetween } from './drift.ts';
import type { RunHooks, RunPhase } from './hooks.ts';
import { runState } from './run-state.ts';
import { newRunView, type RunView } from './run-view.ts';

export interface RunDeps {
  redis: Redis;
  keys: Keys;
  registry: Registry;
  targets: FileConfig['targets'];
  aws: Ports;
  incidents: IncidentsPort;
  /** Guided runbooks, for the `runbook` command. */
  guided?: GuidedRunbooksPort;
  writer: SlackWriter;
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

export type RunOutcome =
  | { status: 'done' }
  | { status: 'failed'; retry: boolean; code: string; message: string };

const PLAN_CHECKPOINT = '__plan';

/** Executes one attempt of a run: checks the plan, takes locks, runs the steps it has not done yet. */
export async function executeRun(
  job: RunJob,
  attempt: number,
  lastAttempt: boolean,
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
  const message = await openRunMessage(job, runId, view, deps);
  const tell = (phase: RunPhase, problem?: { code: string; message: string }) =>
    deps.hooks?.runChanged(job, phase, problem).catch(() => {});
  await tell('running');
  const show = () => message.show(view);
  const checkpoints = new Checkpoints(deps.redis, deps.keys, runId);
  const done = await checkpoints.load();
  if (attempt === 1 || done.size === 0) {
    deps.audit.append({
      action: 'run.started',
      actor: 'system',
      command: job.command,
      args: job.args,
      request_id: job.id,
      run_id: runId,
      data: { attempt },
    });
  }
  log.info({ attempt }, 'run started');
  let current: string | undefined;
  let held: Awaited<ReturnType<typeof waitForLocks>> | undefined;
  try {
    checkRequestHash(job);
    held = await waitForLocks(
      command.resources?.(job.args, deps.targets) ?? [],
      runId,
      view,
      show,
      deps,
    );
    const ctx: StepContext<Record<string, unknown>> = {
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
      aws: deps.aws,
      runId,
      plan: (done.get(PLAN_CHECKPOINT) as Plan | undefined) ?? job.plan,
      results: Object.fromEntries(done),
      attempt,
      state: runState(deps.redis, deps.keys, deps.locks, runId, job.command),
      signal,
      incidents: deps.incidents,
      ...(deps.guided ? { guided: deps.guided } : {}),
      progress: (note) => {
        const running = view.steps.find((s) => s.status === 'running');
        if (running) running.note = note;
        show();
      },
      output: runOutput(deps.writer, message.channel, job.threadTs ?? message.ts, job.requester),
      record: (event, data) => {
        log.info({ event, ...data }, event);
        deps.audit.append({
          action: event,
          actor: job.requester,
          command: job.command,
          args: job.args,
          request_id: job.id,
          run_id: runId,
          data,
        });
      },
    };
    if (command.plan && !done.has(PLAN_CHECKPOINT)) {
      current = 'plan';
      const fresh = await command.plan(ctx);
      checkForDrift(job.plan, fresh);
      view.plan = fresh.summary;
      ctx.plan = fresh;
      await checkpoints.save(PLAN_CHECKPOINT, fresh);
    }
    for (const [index, step] of steps.entries()) {
      const stepView = view.steps[index]!;
      current = step.name;
      if (done.has(step.name)) {
        stepView.status = 'skipped';
        continue;
      }
      stepView.status = 'running';
      stepView.startedAt = Date.now();
      show();
      const result = await step.run(ctx);
      await checkpoints.save(step.name, result);
      ctx.results[step.name] = result;
      stepView.status = 'done';
      stepView.ms = Date.now() - stepView.startedAt;
      deps.audit.append({
        action: 'run.step',
        actor: 'system',
        command: job.command,
        request_id: job.id,
        run_id: runId,
        result: 'done',
        data: { step: step.name, ms: stepView.ms },
      });
      show();
    }
    view.status = 'done';
    view.finishedAt = Date.now();
    log.info({ ms: view.finishedAt - view.startedAt }, 'run done');
    deps.audit.append({
      action: 'run.done',
      actor: 'system',
      command: job.command,
      request_id: job.id,
      run_id: runId,
      result: 'done',
    });
    await finish(job, runId, view, message, deps);
    await tell('done');
    return { status: 'done' };
  } catch (thrown) {
    const error = classify(thrown);
    const retry = error.kind === 'transient' && !lastAttempt;
    const failedStep = view.steps.find((s) => s.status === 'running');
    if (failedStep) {
      failedStep.status = retry ? 'pending' : 'failed';
      failedStep.ms = Date.now() - (failedStep.startedAt ?? Date.now());
    }
    log.warn(
      { code: error.code, kind: error.kind, step: current, retry },
      `run attempt failed: ${error.message}`,
    );
    if (retry) {
      view.status = 'retrying';
      view.note = `attempt ${attempt} failed at ${current}: ${error.message}; retrying`;
      show();
      await message.flush();
    } else {
      view.status = 'failed';
      view.finishedAt = Date.now();
      view.error = { code: error.code, message: error.message, step: current };
      deps.audit.append({
        action: 'run.failed',
        actor: 'system',
        command: job.command,
        request_id: job.id,
        run_id: runId,
        result: error.code,
        data: { step: current, message: error.message },
      });
      await finish(job, runId, view, message, deps);
      await tell('failed', { code: error.code, message: error.message });
    }
    return { status: 'failed', retry, code: error.code, message: error.message };
  } finally {
    await held?.release();
  }
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

async function openRunMessage(job: RunJob, runId: string, view: RunView, deps: RunDeps) {
  const key = deps.keys.runMessage(runId);
  let ts = await deps.redis.hget(key, 'ts');
  // The card's channel, else the thread's (an incident thread) or a schedule's own channel, else
  // the ops channel.
  const channel =
    (await deps.redis.hget(key, 'channel')) ??
    job.card?.channel ??
    (job.threadTs || job.requester.startsWith('schedule:') ? job.channel : deps.opsChannel);
  if (!ts) {
    ts = await postRunProgress(deps.writer, channel, view, job.threadTs);
    await deps.redis
      .multi()
      .hset(key, 'ts', ts, 'channel', channel)
      .expire(key, RUN_STATE_TTL_SECONDS)
      .exec();
  }
  return new RunProgress(deps.writer, channel, ts, deps.updateIntervalMs ?? 1000, (error) =>
    deps.log.warn({ run_id: runId, err: (error as Error).message }, 'progress update failed'),
  );
}

async function finish(
  job: RunJob,
  runId: string,
  view: RunView,
  message: RunProgress,
  deps: RunDeps,
) {
  // The result reply goes out at once; the progress message's last edit follows within the
  // coalescing interval (at most one chat.update per second per message), off the worker slot.
  message.show(view);
  const key = deps.keys.runMessage(runId);
  const first = await deps.redis.hsetnx(key, 'result_posted', '1');
  if (first === 1) await message.postResult(view, job.threadTs ?? message.ts);
  // The run is over: its worker slot need not wait for the last edit.
  message.flushInBackground();
}

async function waitForLocks(
  resources: string[],
  runId: string,
  view: RunView,
  show: () => void,
  deps: RunDeps,
) {
  if (resources.length === 0) return undefined;
  const deadline = Date.now() + deps.lockWaitMs;
  for (;;) {
    const result = await deps.locks.take(resources, runId);
    if ('release' in result) {
      view.status = 'running';
      view.note = undefined;
      return result;
    }
    if (Date.now() >= deadline) {
      throw new UserError(
        'resource_busy',
        `${result.resource} is held by ${result.heldBy}; try again when it ends`,
      );
    }
    view.status = 'waiting';
    view.note = `waiting for ${result.heldBy}, which holds ${result.resource}`;
    show();
    await sleep(250);
  }
}
