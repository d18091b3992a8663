import { randomUUID } from 'node:crypto';
import type { Queue, Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import type { AuditSink } from './audit/sink.ts';
import { type Audit, startAudit } from './audit/start.ts';
import type { WriterOptions } from './audit/writer.ts';
import { awsAdapters } from './aws/adapters.ts';
import { responderProblems } from './config/alerts.ts';
import { limitsSchema } from './config/limits.ts';
import { type Config, ConfigError } from './config/load.ts';
import { containmentPorts, startBlockExpiry } from './containment/start.ts';
import { guidedPort } from './guided/port.ts';
import { type Guided, startGuided } from './guided/start.ts';
import { answerReady } from './http/ready.ts';
import { HttpServer, sendJson } from './http/server.ts';
import { type Alerts, type AlertsOptions, startAlerts } from './incidents/start.ts';
import { createRegistry, type Registry } from './intake/validate.ts';
import { createLogger, type Logger } from './log.ts';
import { createMaintenance } from './maintenance/start.ts';
import { metrics, registry as metricsRegistry } from './metrics/metrics.ts';
import { CoalescedMessage } from './notify/coalesced-message.ts';
import type { SlackWriter } from './notify/slack-writer.ts';
import { liveWorkers, startHeartbeat } from './queue/heartbeat.ts';
import { ResourceLocks } from './queue/locks.ts';
import { commands } from './registry/commands.ts';
import { groupList } from './requests/groups.ts';
import { UserLimits } from './requests/limits.ts';
import { policyProblems, resolvePolicy } from './requests/policy.ts';
import type { RunJob } from './requests/request.ts';
import { createRunsQueue, READS_QUEUE, RUNS_QUEUE } from './requests/runs-queue.ts';
import { createRequestFlow } from './requests/service.ts';
import {
  createEnqueueSubmission,
  SubmissionConsumer,
  submissionsWaitingGauge,
} from './requests/submission-stream.ts';
import type { RunDeps } from './run/execute.ts';
import { startRunWorker } from './run/run-worker.ts';
import { withoutScheduleEphemerals } from './schedules/ephemerals.ts';
import { scheduleProblems } from './schedules/problems.ts';
import { allHooks } from './schedules/run-hooks.ts';
import { createSchedules, type Schedules } from './schedules/start.ts';
import type { Ports } from './sdk/ports/index.ts';
import type { createSlackApp } from './slack/app.ts';
import { slackAnchorReader } from './slack/audit-anchors.ts';
import { outputMessage } from './slack/blocks/output.ts';
import { slackGuidedCard } from './slack/guided-card.ts';
import { registerApprovalListeners } from './slack/listeners/approvals.ts';
import { registerCommandButtonListener } from './slack/listeners/command-button.ts';
import { commandFormOpener } from './slack/listeners/command-form.ts';
import { registerCommandListener } from './slack/listeners/commands.ts';
import { registerGuidedListeners } from './slack/listeners/guided-runbooks.ts';
import { registerStopFollowListener } from './slack/listeners/stop-follow.ts';
import { slackLookups, slackUsergroupMembers } from './slack/lookups.ts';
import { refuseSlackRequest } from './slack/request-guard.ts';
import { createWebClient, webWriter } from './slack/web-writer.ts';
import { shardProblem } from './store/cluster-health.ts';
import { redisDeployHistory } from './store/deploy-history.ts';
import { keys as keysFor } from './store/keys.ts';
import { connectRedis, describeEndpoint, type Redis, whenReady } from './store/redis.ts';

export type Role = 'all' | 'web' | 'worker';

export interface StartOptions {
  config: Config;
  role: Role;
  /** Replaces the real AWS adapters (tests, local sandbox). */
  /** Replaces the real AWS adapters (tests, local sandbox); deploy history defaults to Redis. */
  aws?: Omit<Ports, 'deploys'> & Partial<Pick<Ports, 'deploys'>>;
  log?: Logger;
  port?: number;
  host?: string;
  lockWaitMs?: number;
  updateIntervalMs?: number;
  /** Ledger writer timings (tests use short ones). */
  auditWriter?: WriterOptions;
  /** Mounts extra routes before listening (the local console). */
  routes?: (http: HttpServer) => void;
  /** Test-only alert options (SNS certificate host, pacing); never from configuration. */
  alerts?: AlertsOptions;
}

export interface Opsbot {
  port: number;
  log: Logger;
  registry: Registry;
  queue: Queue<RunJob>;
  redis: Redis;
  prefix: string;
  audit: Audit;
  alerts: Alerts;
  guided: Guided;
  stop(): Promise<void>;
  /** Stops taking work, lets active runs finish within the grace time, then stops. */
  drain(): Promise<void>;
}

/** The composition root: wires config, Slack, Redis, the queue and AWS for one process role. */
export async function startOpsbot(options: StartOptions): Promise<Opsbot> {
  const { env, file } = options.config;
  const log = options.log ?? createLogger(env.LOG_LEVEL);
  const prefix = env.OPSBOT_PREFIX;
  const keys = keysFor(prefix);
  const problems = [
    ...policyProblems(commands, file),
    ...responderProblems(file.alerts, file.groups),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  const registry = createRegistry(commands);
  const scheduling = scheduleProblems(file, registry, env.OPSBOT_CONFIG);
  if (scheduling.length > 0) throw new ConfigError(scheduling);
  const endpoint = { url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES };
  const redis = connectRedis(endpoint, 'producer');
  redis.on('error', (error) => log.warn({ err: error.message }, 'redis (producer) error'));
  if (!(await whenReady(redis)))
    log.error({ redis: describeEndpoint(endpoint) }, 'redis is not reachable yet');
  const limits = file.limits ?? limitsSchema.parse({});
  const userLimits = new UserLimits(redis, keys, limits);
  // Read-only runs and mutating runs have a queue each (finding 7 of issue 16); every run queued
  // counts against its requester's runs in flight until it finishes.
  const queue = createRunsQueue(
    redis,
    prefix,
    (command) => registry.find(command)?.readOnly === true,
    (job) => userLimits.runQueued(job.requester, job.id),
  );
  queue.on('error', (error) => log.warn({ err: error.message }, 'runs queue error'));
  const client = createWebClient(env.SLACK_BOT_TOKEN, env.SLACK_API_URL);
  // A schedule is no Slack user: ephemerals to `schedule:<name>` are dropped, not sent to fail.
  const writer: SlackWriter = withoutScheduleEphemerals(webWriter(client), log);
  const auditTrail = await startAudit({
    file,
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    redis,
    keys,
    log,
    writer: options.role !== 'web',
    lookups: slackLookups(client),
    writerOptions: options.auditWriter,
    slack: writer,
    anchorReader: (channel) => slackAnchorReader(client, channel),
  });
  const audit: AuditSink = auditTrail.sink;
  // Deploy history is the bot's own (Redis), whatever answers for AWS.
  const own = { deploys: redisDeployHistory(redis, keys) };
  const containment = containmentPorts(redis, keys, prefix);
  const maintenance = createMaintenance({
    redis,
    keys,
    prefix,
    file,
    registry,
    statusSecret: env.OPSBOT_STATUS_WEBHOOK_SECRET,
    post: async (channel, message) => {
      await writer.post(channel, outputMessage(message));
    },
    audit,
    log,
  });
  const bots = { ...containment.ports, maintenance: maintenance.port };
  const aws = auditTrail.withLedger(
    options.aws
      ? { ...own, ...bots, ...options.aws }
      : { ...awsAdapters(env.AWS_REGION, own), ...bots },
  );
  const opsChannel = file.slack.ops_channel;
  // Guided runbooks: every file is read and checked here; a bad one stops the start.
  const guidedRedis = options.role !== 'web' ? connectRedis(env.REDIS_URL, 'worker') : undefined;
  guidedRedis?.on('error', (error) => log.warn({ err: error.message }, 'redis (guided) error'));
  const guided = startGuided({
    redis,
    prefix,
    keys,
    file,
    registry,
    audit: auditTrail.sink,
    log,
    card: slackGuidedCard(writer),
    // Who may click on runbook cards: the `runbook` command's requesters (anyone when unset).
    mayAct: async (user) => {
      const runbookCommand = registry.find('runbook');
      if (!runbookCommand) return undefined;
      const policy = resolvePolicy(runbookCommand, 'default', file.policies);
      if (policy.requesters.length === 0) return undefined;
      if (await requestFlow.groups.isMember(user, policy.requesters, { fresh: true }))
        return undefined;
      return `:no_entry: Only members of ${groupList(policy.requesters)} may act on runbook cards. Nothing changed.`;
    },
    worker: guidedRedis
      ? {
          connection: guidedRedis,
          runs: queue,
          createRequest: (submission, delivery) => requestFlow.createRequest(submission, delivery),
          ports: aws,
        }
      : undefined,
  });
  const requestFlow = createRequestFlow({
    redis,
    keys,
    queue,
    writer,
    usergroupMembers: slackUsergroupMembers(client),
    audit,
    log,
    registry,
    file,
    ports: aws,
    limits: userLimits,
  });
  // The web role hands each submission to the workers (enqueueSubmission); a worker turns it into
  // a request (createRequest).
  const enqueueSubmission = createEnqueueSubmission({ redis, keys, writer, log });
  submissionsWaitingGauge(redis, keys);
  let draining = false;

  const http = new HttpServer((error) =>
    log.error({ err: (error as Error).message }, 'http handler failed'),
  );
  http.route('GET', '/health', (_req, res) => sendJson(res, 200, { status: 'ok' }));

  let slot: number | undefined;
  let slackIdentity: Promise<unknown> | undefined;
  let slackCheckedAt = 0;
  const checks = {
    // A read of one of opsbot's keys, not PING: on a cluster that reaches the master holding
    // opsbot's slot (a PING goes to any node), so a failover of that master shows here.
    redis: async () => {
      await redis.exists(keys.submissions());
      if (redis instanceof Cluster) {
        slot ??= Number(await redis.cluster('KEYSLOT', keys.submissions()));
        const problem = await shardProblem(redis, slot);
        if (problem) return { degraded: problem };
      }
    },
    slack: async () => {
      if (!slackIdentity || Date.now() - slackCheckedAt > 30_000) {
        slackCheckedAt = Date.now();
        slackIdentity = client.auth.test();
      }
      await slackIdentity.catch((error) => {
        slackIdentity = undefined;
        throw error;
      });
    },
    worker: async () => {
      if ((await liveWorkers(redis, keys)) === 0)
        throw new Error('no worker heartbeat in the last 20 s');
    },
  };
  http.route('GET', '/ready', (_req, res) => answerReady(res, checks, draining));
  http.route('GET', '/metrics', async (_req, res) => {
    const text = await metricsRegistry.metrics();
    res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text);
  });

  let slack: ReturnType<typeof createSlackApp> | undefined;
  if (options.role !== 'worker') {
    // Bolt (with its receivers, Express and the Socket Mode client) is loaded by the roles that
    // take Slack requests only: a worker posts through the Web API client alone.
    const { createSlackApp } = await import('./slack/app.ts');
    slack = createSlackApp({
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      slackApiUrl: env.SLACK_API_URL,
      log,
    });
    const listenerDeps = { registry, config: file, enqueueSubmission, writer, log };
    registerCommandListener(slack.app, {
      ...listenerDeps,
      openForm: commandFormOpener(client, listenerDeps),
    });
    registerApprovalListeners(slack.routes, { ...listenerDeps, decisions: requestFlow.decisions });
    requestFlow.startSweeper();
    registerStopFollowListener(slack.routes, { redis, keys, log });
    registerCommandButtonListener(slack.routes, listenerDeps);
    registerGuidedListeners(slack.routes, { engine: guided.engine, writer, log });
    if ('requestListener' in slack.receiver) {
      const listener = slack.receiver.requestListener;
      http.route('POST', '/slack/events', (req, res) => {
        if (draining) return sendJson(res, 503, { error: 'draining' });
        const refused = refuseSlackRequest(req);
        if (refused) {
          req.resume();
          return sendJson(res, refused.status, { error: refused.error });
        }
        const timer = metrics.ackLatency.startTimer({ kind: 'slack' });
        res.once('finish', () => timer());
        return listener(req, res);
      });
    } else {
      await slack.app.start();
    }
  }

  const alerts = await startAlerts({
    ...options,
    options: options.alerts,
    http,
    routes: slack?.routes,
    redis,
    registry,
    audit,
    log,
    submit: enqueueSubmission,
    maintenance: maintenance.mute,
    isMember: (user, groups) => requestFlow.groups.isMember(user, groups, { fresh: true }),
  });

  let workers: Worker[] = [];
  let workerRedis: Redis | undefined;
  let heartbeat: ReturnType<typeof startHeartbeat> | undefined;
  let blockExpiry: Worker | undefined;
  let submissions: SubmissionConsumer | undefined;
  let schedules: Schedules | undefined;
  if (options.role !== 'web') {
    workerRedis = connectRedis(endpoint, 'worker');
    workerRedis.on('error', (error) => log.warn({ err: error.message }, 'redis (worker) error'));
    const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
    const reader = connectRedis(endpoint, 'worker');
    reader.on('error', (error) => log.warn({ err: error.message }, 'redis (submissions) error'));
    submissions = new SubmissionConsumer({
      reader,
      redis,
      keys,
      log,
      createRequest: requestFlow.createRequest,
      consumer: workerId,
    });
    submissions.start();
    const locks = new ResourceLocks(workerRedis, keys);
    schedules = createSchedules({
      file,
      registry,
      redis,
      workerRedis,
      prefix,
      keys,
      enqueueSubmission,
      runs: queue,
      incidents: alerts.incidents,
      raise: alerts.raise,
      log,
      ports: () => runPorts,
      groups: requestFlow.groups,
    });
    const runPorts: Ports = { ...aws, ...schedules.ports };
    const runDeps: RunDeps = {
      redis: workerRedis,
      keys,
      registry,
      targets: file.targets,
      ports: runPorts,
      incidents: alerts.incidents,
      guided: guidedPort(guided.engine, opsChannel),
      writer,
      locks,
      audit,
      log,
      opsChannel,
      lockWaitMs: options.lockWaitMs ?? 60_000,
      updateIntervalMs: options.updateIntervalMs,
      hooks: allHooks(requestFlow.runHooks, schedules.hooks, guided.hooks, maintenance.hooks),
    };
    const finished = (job: RunJob) => userLimits.runFinished(job.requester, job.id);
    workers = [
      startRunWorker(
        workerRedis,
        prefix,
        runDeps,
        env.OPSBOT_JOB_LOCK_SECONDS,
        limits.mutating_runs_per_worker,
        RUNS_QUEUE,
        finished,
      ),
      startRunWorker(
        workerRedis,
        prefix,
        runDeps,
        env.OPSBOT_JOB_LOCK_SECONDS,
        limits.read_only_runs_per_worker,
        READS_QUEUE,
        finished,
      ),
    ];
    for (const worker of workers) {
      worker.on('error', (error) => log.warn({ err: error.message }, 'run worker error'));
      worker.on('stalled', (jobId) =>
        log.warn({ request_id: jobId }, 'run stalled (its worker died); retrying it'),
      );
    }
    heartbeat = startHeartbeat(workerRedis, keys, workerId);
    // Reconciles the configured schedules with BullMQ, then fires each occurrence on one worker.
    await schedules.start();
    // Planned ends of maintenance windows: delayed jobs, each taken by one worker.
    maintenance.startWorker(workerRedis);
    blockExpiry = startBlockExpiry({
      connection: workerRedis,
      prefix,
      keys,
      aws,
      post: async (channel, threadTs, message) => {
        await writer.post(channel, outputMessage(message), threadTs);
      },
      audit,
      log,
    });
  }

  options.routes?.(http);
  const port = await http.listen(options.port ?? env.PORT, options.host);
  log.info({ port, role: options.role }, 'opsbot listening');

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await heartbeat?.stop();
    await schedules?.stop();
    await submissions?.stop();
    await requestFlow.stop();
    // Long steps (a follow) watch this signal: they save their place and hand the run back.
    for (const worker of workers) worker.cancelAllJobs('worker stopping');
    await blockExpiry?.close();
    await alerts.stop();
    await Promise.all(workers.map((worker) => worker.close(true)));
    await guided.stop();
    guidedRedis?.disconnect();
    await CoalescedMessage.settleAll();
    await http.close();
    if (slack && !('requestListener' in slack.receiver)) await slack.app.stop();
    await queue.close();
    await containment.close();
    await maintenance.close();
    await auditTrail.stop();
    redis.disconnect();
    workerRedis?.disconnect();
  };
  const drain = async () => {
    draining = true;
    for (const worker of workers) worker.cancelAllJobs('worker draining');
    log.info({ grace_s: env.OPSBOT_GRACE_SECONDS }, 'draining');
    const grace = new Promise((resolve) =>
      setTimeout(resolve, env.OPSBOT_GRACE_SECONDS * 1000).unref(),
    );
    // Submissions not yet read stay in the stream for another worker.
    await Promise.race([submissions?.stop(), grace]);
    await Promise.race([Promise.all(workers.map((worker) => worker.close(false))), grace]);
    // Then the audit entries still in Redis go to the ledger, within what is left of the grace.
    const flushed = auditTrail.flush().catch((error) => {
      log.warn({ err: (error as Error).message }, 'audit entries left in Redis for another writer');
    });
    await Promise.race([flushed, grace]);
    await stop();
  };
  return {
    port,
    log,
    registry,
    queue,
    redis,
    prefix,
    audit: auditTrail,
    alerts,
    guided,
    stop,
    drain,
  };
}
