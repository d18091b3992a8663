import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { startBlockExpiry } from '../containment/start.ts';
import { guidedPort } from '../guided/port.ts';
import type { Alerts } from '../incidents/start.ts';
import { startHeartbeat } from '../queue/heartbeat.ts';
import { ResourceLocks } from '../queue/locks.ts';
import type { RunJob } from '../requests/request.ts';
import { READS_QUEUE, RUNS_QUEUE } from '../requests/runs-queue.ts';
import { SubmissionConsumer } from '../requests/submission-stream.ts';
import type { RunDeps } from '../run/execute.ts';
import { startRunWorker } from '../run/run-worker.ts';
import { allHooks } from '../schedules/run-hooks.ts';
import { createSchedules, type Schedules } from '../schedules/start.ts';
import type { Ports } from '../sdk/ports/index.ts';
import { outputMessage } from '../slack/blocks/output.ts';
import { runRenderer } from '../slack/blocks/run-renderer.ts';
import { connectRedis, type Redis } from '../store/redis.ts';
import type { Services } from './services.ts';

/** A worker connection of its own (blocking reads must not hold up the producer's commands). */
function workerConnection(s: Services, name: string): Redis {
  const redis = connectRedis(s.endpoint, 'worker');
  redis.on('error', (error) => s.log.warn({ err: error.message }, `redis (${name}) error`));
  return redis;
}

function buildSchedules(s: Services, alerts: Alerts, workerRedis: Redis) {
  const schedules: Schedules = createSchedules({
    file: s.file,
    registry: s.registry,
    redis: s.redis,
    workerRedis,
    prefix: s.prefix,
    keys: s.keys,
    enqueueSubmission: s.enqueueSubmission,
    runs: s.queue,
    incidents: alerts.incidents,
    raise: alerts.raise,
    log: s.log,
    ports: () => runPorts,
    groups: s.requestFlow.groups,
  });
  const runPorts: Ports = { ...s.ports, ...schedules.ports };
  return { schedules, runPorts };
}

/** What a run needs: its ports, locks, the writer, the audit sink and every stage's hooks. */
function runDeps(
  s: Services,
  alerts: Alerts,
  workerRedis: Redis,
  built: ReturnType<typeof buildSchedules>,
): RunDeps {
  const opsChannel = s.file.slack.ops_channel;
  const { lockWaitMs, updateIntervalMs } = s.options;
  return {
    redis: workerRedis,
    keys: s.keys,
    registry: s.registry,
    targets: s.file.targets,
    ports: built.runPorts,
    incidents: alerts.incidents,
    guided: guidedPort(s.guided.engine, opsChannel),
    writer: s.runWriter,
    renderer: runRenderer,
    locks: new ResourceLocks(workerRedis, s.keys),
    audit: s.audit,
    log: s.log,
    opsChannel,
    lockWaitMs: lockWaitMs ?? 60_000,
    updateIntervalMs,
    hooks: allHooks(
      s.requestFlow.runHooks,
      built.schedules.hooks,
      s.guided.hooks,
      s.maintenance.hooks,
    ),
  };
}

/** One BullMQ worker per runs queue: mutating runs and read-only runs, each with its concurrency. */
function startRunWorkers(s: Services, workerRedis: Redis, deps: RunDeps): Worker[] {
  const { env, log, limits, userLimits, prefix } = s;
  const finished = (job: RunJob) => userLimits.runFinished(job.requester, job.id);
  const start = (concurrency: number, queue: typeof RUNS_QUEUE | typeof READS_QUEUE) =>
    startRunWorker(
      workerRedis,
      prefix,
      deps,
      env.OPSBOT_JOB_LOCK_SECONDS,
      concurrency,
      queue,
      finished,
    );
  const workers = [
    start(limits.mutating_runs_per_worker, RUNS_QUEUE),
    start(limits.read_only_runs_per_worker, READS_QUEUE),
  ];
  for (const worker of workers) {
    worker.on('error', (error) => log.warn({ err: error.message }, 'run worker error'));
    worker.on('stalled', (jobId) =>
      log.warn({ request_id: jobId }, 'run stalled (its worker died); retrying it'),
    );
  }
  return workers;
}

/**
 * The worker role: reads submissions into requests, runs queued runs, fires schedules, beats its
 * heartbeat, ends maintenance windows and expires blocks. Imported only by roles with a worker.
 */
export async function startWorker(s: Services, alerts: Alerts) {
  // BullMQ's run workers and the runs' own commands (run message, checkpoints, locks, a run's end)
  // share one connection, where the commands of one tick (one run's end script, another's move to
  // finished) can leave in one socket write; a connection of the runs' own served nothing since
  // auto-pipelining went (docs/benchmarks/run-path.md, thirteenth pass). Nothing here blocks on it:
  // BullMQ's blocking reads have a connection of their own, and the resource locks poll.
  const workerRedis = workerConnection(s, 'worker');
  const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const submissions = new SubmissionConsumer({
    reader: workerConnection(s, 'submissions'),
    redis: s.redis,
    keys: s.keys,
    log: s.log,
    createRequest: s.requestFlow.createRequest,
    consumer: workerId,
  });
  submissions.start();
  const built = buildSchedules(s, alerts, workerRedis);
  const workers = startRunWorkers(s, workerRedis, runDeps(s, alerts, workerRedis, built));
  const heartbeat = startHeartbeat(workerRedis, s.keys, workerId);
  // Reconciles the configured schedules with BullMQ, then fires each occurrence on one worker.
  await built.schedules.start();
  // Planned ends of maintenance windows: delayed jobs, each taken by one worker.
  s.maintenance.startWorker(workerRedis);
  const blockExpiry = startBlockExpiry({
    connection: workerRedis,
    prefix: s.prefix,
    keys: s.keys,
    aws: s.ports,
    post: async (channel, threadTs, message) => {
      await s.writer.post(channel, outputMessage(message), threadTs);
    },
    audit: s.audit,
    log: s.log,
  });
  return {
    workerRedis,
    submissions,
    schedules: built.schedules,
    workers,
    heartbeat,
    blockExpiry,
  };
}

export type WorkerRole = Awaited<ReturnType<typeof startWorker>>;
