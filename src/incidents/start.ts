import type { Queue } from 'bullmq';
import { WebhookReplays } from '../alerts/replays.ts';
import { mountAlertRoutes } from '../alerts/routes.ts';
import { confirmSubscription, SnsVerifier, type SnsVerifierOptions } from '../alerts/sns.ts';
import type { AuditSink } from '../audit/sink.ts';
import { type AlertsConfig, defaultAlertsConfig } from '../config/alerts.ts';
import type { Config } from '../config/load.ts';
import type { HttpServer } from '../http/server.ts';
import { tokenize } from '../intake/tokenize.ts';
import type { Registry } from '../intake/validate.ts';
import type { Logger } from '../log.ts';
import { incidentsOpenGauge } from '../metrics/metrics.ts';
import type { Outbox } from '../notify/outbox.ts';
import type { SubmitRequest } from '../requests/submit.ts';
import type { IncidentsPort } from '../sdk/incidents.ts';
import { keys as keysFor } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { connectRedis } from '../store/redis.ts';
import { IncidentActions, type IsMember } from './actions.ts';
import { incidentChannelOpener, permalinkOf } from './incident-channel.ts';
import { incidentIntake } from './intake.ts';
import type { IncidentNotices } from './notices.ts';
import {
  createIncidentsQueue,
  enqueueConfirmation,
  enqueueIncidentWork,
  type IncidentJob,
  startIncidentsWorker,
} from './queue.ts';
import { runbookButtons } from './runbooks.ts';
import { IncidentService, type MaintenanceMute } from './service.ts';
import { IncidentStore } from './store.ts';

/** Options only code (tests, benches) can set: never reachable from configuration. */
export interface AlertsOptions {
  sns?: SnsVerifierOptions;
  /** Pause between paced (incident) posts to one channel in the shared outbox (default 1000 ms). */
  postIntervalMs?: number;
  workerConcurrency?: number;
}

/** What Slack gives incidents (src/slack/incident-wiring.ts builds it for the composition root). */
export interface IncidentWiring {
  /** Where incident messages go. */
  notices: IncidentNotices;
  /** Connects the incident buttons to `actions`; only where Slack events arrive. */
  listen?(actions: IncidentActions): void;
}

export interface AlertsDeps {
  config: Config;
  role: 'all' | 'web' | 'worker';
  http: HttpServer;
  slack: IncidentWiring;
  /** The process's one rate-aware outbox (runs post through it too); the caller closes it. */
  outbox: Outbox;
  redis: Redis;
  registry: Registry;
  submit: SubmitRequest;
  audit: AuditSink;
  log: Logger;
  options?: AlertsOptions;
  /** Open maintenance windows: matching incidents are posted muted. */
  maintenance?: MaintenanceMute;
  /** Whether a user is in any of these groups (who may press Acknowledge, Resolve, Escalate). */
  isMember: IsMember;
}

/** The pieces every role shares: the store, the outbox and the service that writes through it. */
interface IncidentCore {
  config: AlertsConfig;
  log: Logger;
  store: IncidentStore;
  outbox: Outbox;
  service: IncidentService;
  /** Aborted on stop: incident channels still being opened stop waiting and asking Slack. */
  stopping: AbortController;
}

type Intake = ReturnType<typeof incidentIntake>;

/**
 * Wires alerts and incidents into one process: the `/alerts/*` endpoints and the incident buttons
 * (web role), the intake-queue worker (worker role), and the rate-aware outbox (both).
 */
export async function startAlerts(deps: AlertsDeps) {
  const prefix = deps.config.env.OPSBOT_PREFIX;
  const core = incidentCore(deps);
  const { store, outbox, service, log } = core;
  warnUnknownRunbookCommands(core.config.runbooks, deps.registry, log);
  incidentsOpenGauge(() => deps.redis.scard(keysFor(prefix).incidentsOpen()));
  const queue = createIncidentsQueue(deps.redis, prefix);
  queue.on('error', (error) => log.warn({ err: error.message }, 'incidents queue error'));
  const intake = incidentIntake({
    store,
    channelFor: (alert) => service.channelFor(alert),
    queueWork: (work) => enqueueIncidentWork(queue, work),
    log,
  });
  if (deps.role !== 'worker') mountIncidentsWeb(deps, core, queue, intake);
  const worker = deps.role !== 'web' ? await startIncidentsWork(deps, core) : undefined;

  return {
    store,
    /** What commands read of incidents (`ctx.incidents`). */
    incidents: incidentsPort(store),
    outbox,
    service,
    queue,
    /** Hands alerts raised inside opsbot (a checklist's ✗) to the same dedup and incident flow. */
    raise: (deliveries: Parameters<Intake['enqueueDeliveries']>[0]) =>
      intake.enqueueDeliveries(deliveries),
    async stop() {
      core.stopping.abort();
      service.close();
      await worker?.stop();
      await Promise.race([
        outbox.idle(),
        new Promise((resolve) => setTimeout(resolve, 5000).unref()),
      ]);
      await queue.close();
    },
  };
}

function incidentCore(deps: AlertsDeps): IncidentCore {
  const { env, file } = deps.config;
  const config = file.alerts ?? defaultAlertsConfig();
  const log = deps.log.child({ part: 'incidents' });
  const store = new IncidentStore(deps.redis, keysFor(env.OPSBOT_PREFIX), {
    reopenWindowMs: config.reopen_window_minutes * 60_000,
    retentionSeconds: Math.round(config.resolved_retention_hours * 3600),
  });
  const { notices } = deps.slack;
  const { outbox } = deps;
  const stopping = new AbortController();
  const service: IncidentService = new IncidentService({
    store,
    notices,
    outbox,
    config,
    defaultChannel: file.slack.incidents_channel ?? file.slack.ops_channel,
    runbooksFor: (incident) => runbookButtons(config.runbooks, incident.id, incident.alert),
    incidentChannel: incidentChannelOpener({
      config,
      groups: file.groups,
      store,
      notices,
      service: () => service,
      log,
      signal: stopping.signal,
    }),
    audit: deps.audit,
    log,
    maintenance: deps.maintenance,
  });
  return { config, log, store, outbox, service, stopping };
}

/** What commands read of incidents: the open ones, with a link to each thread. */
function incidentsPort(store: IncidentStore): IncidentsPort {
  return {
    listOpen: async () =>
      (await store.listOpen()).map((i) => ({
        id: i.id,
        title: i.alert.title,
        severity: i.alert.severity,
        source: i.alert.source,
        count: i.count,
        firstSeen: i.firstSeen,
        lastSeen: i.lastSeen,
        ...(i.ackedBy ? { acknowledgedBy: i.ackedBy } : {}),
        ...(i.ts ? { link: permalinkOf(i.channel, i.ts) } : {}),
      })),
  };
}

/** The web role: the `/alerts/*` endpoints, and the incident buttons where Slack events arrive. */
function mountIncidentsWeb(
  deps: AlertsDeps,
  core: IncidentCore,
  queue: Queue<IncidentJob>,
  intake: Intake,
) {
  const { env } = deps.config;
  const prefix = env.OPSBOT_PREFIX;
  mountAlertRoutes(deps.http, {
    intake: {
      ...intake,
      enqueueConfirmation: (confirmation) => enqueueConfirmation(queue, confirmation),
    },
    sns: new SnsVerifier(deps.options?.sns),
    allowedTopicArns: core.config.sns.allowed_topic_arns,
    webhookSecret: env.OPSBOT_WEBHOOK_SECRET,
    alertmanagerToken: env.OPSBOT_ALERTMANAGER_TOKEN,
    webhookReplays: new WebhookReplays(deps.redis, keysFor(prefix)),
    log: core.log,
  });
  deps.slack.listen?.(
    new IncidentActions({
      store: core.store,
      service: core.service,
      config: core.config,
      file: deps.config.file,
      registry: deps.registry,
      submit: deps.submit,
      audit: deps.audit,
      isMember: deps.isMember,
    }),
  );
}

/** The worker role: its own Redis connection, the incidents worker, and open incidents resumed. */
async function startIncidentsWork(deps: AlertsDeps, core: IncidentCore) {
  const { env } = deps.config;
  const { log, service } = core;
  const workerRedis = connectRedis(
    { url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES },
    'worker',
  );
  workerRedis.on('error', (error) => log.warn({ err: error.message }, 'redis (incidents) error'));
  const worker = startIncidentsWorker(
    workerRedis,
    env.OPSBOT_PREFIX,
    async (job) => {
      if (job.kind === 'transition') return service.applyTransition(job.transition);
      if (job.kind === 'refresh') return service.refresh(job.id);
      await confirmSubscription(job.url, deps.options?.sns?.ca);
      log.info({ topic: job.topicArn }, 'SNS subscription confirmed');
      deps.audit.append({
        action: 'alerts.subscription_confirmed',
        actor: 'sns',
        data: { topic: job.topicArn },
      });
    },
    deps.options?.workerConcurrency,
  );
  worker.on('error', (error) => log.warn({ err: error.message }, 'incidents worker error'));
  worker.on('failed', (job, error) =>
    log.warn({ job: job?.id, err: error.message }, 'incident job failed'),
  );
  const resumed = await service.resume().catch(() => 0);
  if (resumed) log.info({ open: resumed }, 'resumed open incidents');
  return {
    async stop() {
      await worker.close();
      workerRedis.disconnect();
    },
  };
}

export type Alerts = Awaited<ReturnType<typeof startAlerts>>;

function warnUnknownRunbookCommands(
  runbooks: ReturnType<typeof defaultAlertsConfig>['runbooks'],
  registry: Registry,
  log: Logger,
) {
  for (const mapping of runbooks) {
    for (const button of mapping.buttons) {
      // A guided runbook button is checked with the runbook files, when opsbot starts.
      if (button.command === undefined) continue;
      let name = '';
      try {
        name = tokenize(button.command).command;
      } catch {
        name = button.command;
      }
      if (!registry.find(name))
        log.warn(
          { runbook: mapping.name, command: name },
          'runbook button names a command this opsbot does not have (the button will say so when clicked)',
        );
    }
  }
}
