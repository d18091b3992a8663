import type { AuditSink } from '../audit/sink.ts';
import type { Logger } from '../log.ts';
import { runOutput } from '../notify/run-output.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import type { RunJob } from '../requests/request.ts';
import type { RunOutput } from '../sdk/command.ts';
import type { OpsError } from '../sdk/errors.ts';
import { hsetWithTtl } from '../store/hash-with-ttl.ts';
import { type Keys, RUN_STATE_TTL_SECONDS } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { Checkpoints } from './checkpoints.ts';
import type { RunHooks } from './hooks.ts';
import { recordRunEnd, type StepCheckpoint } from './run-end.ts';
import { postRunProgress, RunProgress } from './run-progress.ts';
import type { RunRenderer } from './run-renderer.ts';
import type { RunView } from './run-view.ts';

export interface ReporterDeps {
  redis: Redis;
  keys: Keys;
  writer: SlackWriter;
  /** How the run looks in Slack (src/slack/blocks, handed over by src/roles). */
  renderer: RunRenderer;
  audit: AuditSink;
  opsChannel: string;
  updateIntervalMs?: number;
  /** Told when a run starts, ends or fails for good (moves the request card). */
  hooks?: RunHooks;
}

/**
 * Everything a run tells the world, so the executor only runs: the progress message (from the
 * neutral `RunView`, rendered by its `RunRenderer`), the result reply, the audit entries and the run hooks
 * (the request card). One per attempt.
 */
export class RunReporter {
  /** The run's end is recorded: it no longer counts as its member's run in flight. */
  ended = false;

  private constructor(
    private readonly job: RunJob,
    readonly view: RunView,
    private readonly message: RunProgress,
    private readonly end: (checkpoint?: StepCheckpoint) => Promise<boolean>,
    private readonly log: Logger,
    private readonly deps: ReporterDeps,
  ) {}

  /**
   * Opens the run's progress message, and `end`, which records the run's end (`recordRunEnd`:
   * the "result posted" marker, true the first time, so a retried run does not post its result
   * twice; the last step's checkpoint; the run leaving its member's runs in flight).
   *
   * A retried run edits the message its first attempt posted (on a first start there is none, and
   * the stored message is not read). A new run of a read-only command
   * defers its first post: if it finishes within the update interval, its final state is posted
   * once and never edited, and the post's ts is stored with its end in one script. Other
   * runs post at once, so a step that records where its thread is (block-ip) always has it.
   */
  static async open(
    job: RunJob,
    view: RunView,
    { readOnly, firstStart }: { readOnly: boolean; firstStart: boolean },
    log: Logger,
    deps: ReporterDeps,
  ): Promise<RunReporter> {
    const { runId } = view;
    const key = deps.keys.runMessage(runId);
    const [stored, storedChannel] = firstStart
      ? [null, null]
      : await deps.redis.hmget(key, 'ts', 'channel');
    // The card's channel, else the thread's (an incident thread) or a schedule's own channel, else
    // the ops channel.
    const channel =
      storedChannel ??
      job.card?.channel ??
      (job.threadTs || job.requester.startsWith('schedule:') ? job.channel : deps.opsChannel);
    const interval = deps.updateIntervalMs ?? 1000;
    const onError = (error: unknown) =>
      log.warn({ run_id: runId, err: (error as Error).message }, 'progress update failed');
    const remember = (ts: string) =>
      hsetWithTtl(deps.redis, key, RUN_STATE_TTL_SECONDS, { ts, channel });
    const end = { runId, requestId: job.id, requester: job.requester };
    const ended = (checkpoint?: StepCheckpoint) =>
      recordRunEnd(deps.redis, deps.keys, { ...end, ...(checkpoint ? { checkpoint } : {}) });
    if (stored) {
      const message = RunProgress.posted(
        deps.writer,
        deps.renderer,
        channel,
        stored,
        interval,
        onError,
      );
      return new RunReporter(job, view, message, ended, log, deps);
    }
    if (!readOnly) {
      const ts = await postRunProgress(deps.writer, deps.renderer, channel, view, job.threadTs);
      await remember(ts);
      const message = RunProgress.posted(
        deps.writer,
        deps.renderer,
        channel,
        ts,
        interval,
        onError,
        Date.now(),
      );
      return new RunReporter(job, view, message, ended, log, deps);
    }
    // Posted mid-run (the run outlived the interval, or a step posted output): its ts is stored at
    // once, so a retry edits it. Posted at the end: stored with the run's end below.
    let finishing = false;
    const message = RunProgress.deferred(
      deps.writer,
      deps.renderer,
      channel,
      view,
      async (content) => {
        const ts = (await deps.writer.post(channel, content, job.threadTs)).ts;
        if (!finishing) await remember(ts);
        return ts;
      },
      interval,
      onError,
    );
    const deferredEnd = async (checkpoint?: StepCheckpoint) => {
      finishing = true;
      let ts: string;
      try {
        ts = await message.ensurePosted();
      } catch (error) {
        // The last step is done even though its run could not say so: a retry skips it.
        if (checkpoint) await new Checkpoints(deps.redis, deps.keys, runId).save(checkpoint);
        throw error;
      }
      return recordRunEnd(deps.redis, deps.keys, {
        ...end,
        message: { ts, channel },
        ...(checkpoint ? { checkpoint } : {}),
      });
    };
    return new RunReporter(job, view, message, deferredEnd, log, deps);
  }

  /** Shows the view as it is now (edits are coalesced). */
  show(): void {
    this.message.show(this.view);
  }

  /** The attempt starts: the card moves to running; the first attempt is audited. */
  async started(attempt: number, firstTime: boolean): Promise<void> {
    await this.hook('running');
    if (firstTime) this.append('run.started', 'system', { args: this.job.args, data: { attempt } });
    this.log.info({ attempt }, 'run started');
  }

  waiting(resource: string, heldBy: string): void {
    this.view.status = 'waiting';
    this.view.note = `waiting for ${heldBy}, which holds ${resource}`;
    this.show();
  }

  locked(): void {
    this.view.status = 'running';
    this.view.note = undefined;
  }

  /** A step's own progress note (`ctx.progress`). */
  progress(note: string): void {
    const running = this.view.steps.find((s) => s.status === 'running');
    if (running) running.note = note;
    this.show();
  }

  planChecked(summary: string): void {
    this.view.plan = summary;
  }

  stepSkipped(index: number): void {
    this.view.steps[index]!.status = 'skipped';
  }

  stepStarted(index: number): void {
    const step = this.view.steps[index]!;
    step.status = 'running';
    step.startedAt = Date.now();
    this.show();
  }

  stepDone(index: number): void {
    const step = this.view.steps[index]!;
    step.status = 'done';
    step.ms = Date.now() - (step.startedAt ?? Date.now());
    this.append('run.step', 'system', { result: 'done', data: { step: step.name, ms: step.ms } });
    this.show();
  }

  /** A domain event a step records (`deploy.promoted`): logged and audited as the requester's. */
  record(event: string, data: Record<string, unknown>): void {
    this.log.info({ event, ...data }, event);
    this.append(event, this.job.requester, { args: this.job.args, data });
  }

  /** The run's output port: posts into the run's thread, or privately to the requester. */
  output(): RunOutput {
    const { job, message } = this;
    return runOutput(
      this.deps.writer,
      (message) => this.deps.renderer.output(message),
      message.channel,
      job.threadTs ?? message.thread(),
      job.requester,
    );
  }

  /** The run is done; `last` is its last step's result, checkpointed with the run's end. */
  async done(last?: StepCheckpoint): Promise<void> {
    this.view.status = 'done';
    this.view.finishedAt = Date.now();
    this.log.info({ ms: this.view.finishedAt - this.view.startedAt }, 'run done');
    this.append('run.done', 'system', { result: 'done' });
    await this.finish(last);
    await this.hook('done');
  }

  /** The attempt failed at `step`: shown as retrying, or as failed for good (audited, card moved). */
  async failed(error: OpsError, retry: boolean, attempt: number, step?: string): Promise<void> {
    const { view } = this;
    const failedStep = view.steps.find((s) => s.status === 'running');
    if (failedStep) {
      failedStep.status = retry ? 'pending' : 'failed';
      failedStep.ms = Date.now() - (failedStep.startedAt ?? Date.now());
    }
    this.log.warn(
      { code: error.code, kind: error.kind, step, retry },
      `run attempt failed: ${error.message}`,
    );
    if (retry) {
      view.status = 'retrying';
      view.note = `attempt ${attempt} failed at ${step}: ${error.message}; retrying`;
      this.show();
      await this.message.flush();
      return;
    }
    view.status = 'failed';
    view.finishedAt = Date.now();
    view.error = { code: error.code, message: error.message, step };
    this.append('run.failed', 'system', {
      result: error.code,
      data: { step, message: error.message },
    });
    await this.finish();
    await this.hook('failed', { code: error.code, message: error.message });
  }

  /**
   * Records the run's end, then the result reply goes out at once (once per run, whichever
   * attempt ends it); the progress message's last edit follows within the coalescing interval (at
   * most one chat.update per second per message), off the worker slot.
   */
  private async finish(last?: StepCheckpoint): Promise<void> {
    // A deferred message not posted yet is posted now with this final state, and never edited.
    this.show();
    const first = await this.end(last);
    this.ended = true;
    if (first)
      await this.message.postResult(
        this.view,
        this.job.threadTs ?? (await this.message.ensurePosted()),
      );
    this.message.flushInBackground();
  }

  private async hook(
    phase: 'running' | 'done' | 'failed',
    problem?: { code: string; message: string },
  ) {
    await this.deps.hooks?.runChanged(this.job, phase, problem).catch(() => {});
  }

  private append(
    action: string,
    actor: string,
    extra: { args?: Record<string, unknown>; result?: string; data?: Record<string, unknown> },
  ): void {
    this.deps.audit.append({
      action,
      actor,
      command: this.job.command,
      ...(extra.args ? { args: extra.args } : {}),
      request_id: this.job.id,
      run_id: this.view.runId,
      ...(extra.result ? { result: extra.result } : {}),
      ...(extra.data ? { data: extra.data } : {}),
    });
  }
}
