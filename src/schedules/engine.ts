import type { Job, Queue as QueueType, Worker as WorkerType } from 'bullmq';
import type { FileConfig } from '../config/file.ts';
import type { ScheduleConfig } from '../config/schedules.ts';
import { intakeText, type Registry } from '../intake/validate.ts';
import type { Logger } from '../log.ts';
import { requestIdFor } from '../requests/request.ts';
import type { EnqueueSubmission } from '../requests/submission.ts';
import type { ScheduleRow } from '../sdk/schedules.ts';
import type { Redis } from '../store/redis.ts';
import { Queue, workerClass } from '../util/bullmq.ts';
import { latestOccurrence } from './cron.ts';
import { type OccurrenceJob, occurrenceOfJob, reconcileSchedules } from './reconcile.ts';
import type { ScheduleStore } from './store.ts';

export type { ScheduleRow };

export const SCHEDULES_QUEUE = 'schedules';

/** An occurrence that fires later than this after its cron time is a catch-up, marked late. */
export const LATE_AFTER_MS = 60_000;

export interface ScheduleEngineDeps {
  /** The process's shared connection (the queue). */
  redis: Redis;
  /** A connection of the worker's own (it blocks). Absent in a web process: it fires nothing. */
  workerRedis?: Redis;
  prefix: string;
  store: ScheduleStore;
  file: Pick<FileConfig, 'schedules' | 'targets' | 'slack'>;
  registry: Registry;
  /** The normal request entry point (the submissions stream). */
  enqueueSubmission: EnqueueSubmission;
  log: Logger;
  lateAfterMs?: number;
  /** Seconds the worker blocks waiting for a job (BullMQ `drainDelay`); tests use less. */
  drainDelaySeconds?: number;
  concurrency?: number;
}

/** Why a schedule could not be asked for now. */
export class ScheduleProblem extends Error {}

/**
 * Schedules on BullMQ job schedulers. Each occurrence is one job (`repeat:<name>:<ms>`) that one
 * worker takes, however many run; firing it hands a normal submission to the request flow, by
 * the actor `schedule:<name>`, keyed by the occurrence, so even a retried job makes one request.
 */
export class ScheduleEngine {
  readonly queue: QueueType<OccurrenceJob>;
  private worker: WorkerType<OccurrenceJob> | undefined;

  constructor(private readonly deps: ScheduleEngineDeps) {
    this.queue = new Queue<OccurrenceJob>(SCHEDULES_QUEUE, {
      connection: deps.redis,
      prefix: deps.prefix,
    });
    this.queue.on('error', (error) =>
      deps.log.warn({ err: error.message }, 'schedules queue error'),
    );
  }

  /** Reconciles the configured schedules with BullMQ, then (with a worker connection) fires them. */
  async start() {
    const result = await reconcileSchedules(this.queue, this.deps.file.schedules);
    this.deps.log.info(result, 'schedules reconciled');
    if (this.deps.workerRedis) {
      this.worker = new (workerClass())<OccurrenceJob>(SCHEDULES_QUEUE, (job) => this.fire(job), {
        connection: this.deps.workerRedis,
        prefix: this.deps.prefix,
        concurrency: this.deps.concurrency ?? 20,
        drainDelay: this.deps.drainDelaySeconds ?? 5,
      });
      this.worker.on('error', (error) =>
        this.deps.log.warn({ err: error.message }, 'schedules worker error'),
      );
    }
    return result;
  }

  async stop() {
    await this.worker?.close();
    await this.queue.close();
  }

  /** The next occurrence of each enabled schedule BullMQ holds (name → ms). */
  async nextRuns(): Promise<Map<string, number>> {
    const schedulers = await this.queue.getJobSchedulers(0, -1);
    return new Map(
      schedulers.filter((s) => s.next !== undefined).map((s) => [s.key, s.next as number]),
    );
  }

  /** Every configured schedule with its next run (BullMQ), pause state and last run (Redis). */
  async list(): Promise<ScheduleRow[]> {
    const { file, store } = this.deps;
    const [next, paused] = await Promise.all([this.nextRuns(), store.paused()]);
    return Promise.all(
      Object.entries(file.schedules).map(async ([name, s]) => {
        const last = await store.last(name);
        const at = next.get(name);
        return {
          name,
          cron: s.cron,
          timezone: s.timezone,
          command: s.command,
          channel: s.channel ?? file.slack.ops_channel,
          enabled: s.enabled,
          paused: paused.has(name),
          ...(at !== undefined && s.enabled ? { next: at } : {}),
          ...(last ? { last } : {}),
        };
      }),
    );
  }

  /** `/ops schedule run <name>`: one run now, outside the cron. Returns its request id. */
  async runNow(name: string, askedBy: string, now = Date.now()): Promise<string> {
    const schedule = this.deps.file.schedules[name];
    if (!schedule) throw new ScheduleProblem(`no schedule named ${name}`);
    return this.submitOccurrence(name, schedule, now, 0, `run:${askedBy}:${now}`);
  }

  private async fire(job: Job<OccurrenceJob>) {
    const name = job.data.schedule;
    const log = this.deps.log.child({ schedule: name });
    const schedule = this.deps.file.schedules[name];
    const scheduled = occurrenceOfJob(job.id);
    if (!schedule?.enabled || scheduled === undefined) {
      log.warn({ job: job.id }, 'occurrence of a schedule this process does not run; skipped');
      return { skipped: 'unknown' };
    }
    const now = Date.now();
    // The cron BullMQ fired by (this process's config may be older than the scheduler's).
    const repeat = (job.opts as { repeat?: { pattern?: string; tz?: string } }).repeat;
    const spec = {
      pattern: repeat?.pattern ?? schedule.cron,
      tz: repeat?.tz ?? schedule.timezone,
    };
    // BullMQ keeps the first occurrence missed while no worker ran; run the latest one instead.
    const occurrence = latestOccurrence(spec, scheduled, now);
    const late = now - occurrence;
    const lateMs = late > (this.deps.lateAfterMs ?? LATE_AFTER_MS) ? late : 0;
    if (await this.deps.store.isPaused(name)) {
      log.info({ occurrence }, 'schedule paused; occurrence skipped');
      return { skipped: 'paused' };
    }
    if (lateMs > 0) log.warn({ occurrence, late_ms: lateMs }, 'catching up a missed occurrence');
    const requestId = await this.submitOccurrence(name, schedule, occurrence, lateMs);
    return { requestId, occurrence, lateMs };
  }

  private async submitOccurrence(
    name: string,
    schedule: ScheduleConfig,
    occurrence: number,
    lateMs: number,
    key: string = String(occurrence),
  ): Promise<string> {
    const { file, registry, store, enqueueSubmission } = this.deps;
    const intake = intakeText(schedule.command, registry, file.targets);
    if (intake.kind !== 'valid')
      throw new ScheduleProblem(`schedule ${name}: "${schedule.command}" is not a valid request`);
    const submissionKey = `schedule:${name}:${key}`;
    const requestId = requestIdFor(submissionKey);
    await store.started(requestId, { schedule: name, occurrence, lateMs });
    await enqueueSubmission({
      submissionKey,
      command: intake.command.name,
      args: intake.args,
      environment: intake.environment,
      requester: scheduleActor(name),
      channel: schedule.channel ?? file.slack.ops_channel,
      source: 'schedule',
    });
    return requestId;
  }
}

/** The actor of a scheduled request: `schedule:drop-daily`. */
export const scheduleActor = (name: string) => `schedule:${name}`;

export const isScheduleActor = (requester: string) => requester.startsWith('schedule:');
