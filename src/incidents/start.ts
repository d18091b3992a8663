import type { Worker } from 'bullmq';
import { WebhookReplays } from '../alerts/replays.ts';
import { mountAlertRoutes } from '../alerts/routes.ts';
import { confirmSubscription, SnsVerifier, type SnsVerifierOptions } from '../alerts/sns.ts';
import type { AuditSink } from '../audit/sink.ts';
import { defaultAlertsConfig } from '../config/alerts.ts';
import type { Config } from '../config/load.ts';
import type { HttpServer } from '../http/server.ts';
import { tokenize } from '../intake/tokenize.ts';
import type { Registry } from '../intake/validate.ts';
import type { Logger } from '../log.ts';
import { incidentsOpenGauge } from '../metrics/metrics.ts';
import type { SubmitRequest } from '../requests/submit.ts';
import type { IncidentsPort } from '../sdk/incidents.ts';
import { incidentSlack } from '../slack/incident-slack.ts';
import { registerIncidentListeners } from '../slack/listeners/incidents.ts';
import type { SlackRoutes } from '../slack/listeners/routes.ts';
import { createWebClient } from '../slack/web-writer.ts';
import { keys as keysFor } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { connectRedis } from '../store/redis.ts';
import { IncidentActions, type IsMember } from './actions.ts';
import { incidentChannelOpener, permalinkOf } from './incident-channel.ts';
import { incidentIntake } from './intake.ts';
import { Outbox } from './outbox.ts';
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
  /** Pause between posts to one channel (default 1000 ms). */
  postIntervalMs?: number;
  workerConcurrency?: number;
}

export interface AlertsDeps {
  config: Config;
  role: 'all' | 'web' | 'worker';
  http: HttpServer;
  routes?: SlackRoutes;
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

/**
 * Wires alerts and incidents into one process: the `/alerts/*` endpoints and the incident buttons
 * (web role), the intake-queue worker (worker role), and the rate-aware outbox (both).
 */
export async function startAlerts(deps: AlertsDeps) {
  const { env, file } = deps.config;
  const config = file.alerts ?? defaultAlertsConfig();
  const prefix = env.OPSBOT_PREFIX;
  const log = deps.log.child({ part: 'incidents' });
  const store = new IncidentStore(deps.redis, keysFor(prefix), {
    reopenWindowMs: config.reopen_window_minutes * 60_000,
    retentionSeconds: Math.round(config.resolved_retention_hours * 3600),
  });
  const slack = incidentSlack(
    createWebClient(env.SLACK_BOT_TOKEN, env.SLACK_API_URL, { rejectRateLimitedCalls: true }),
  );
  const outbox = new Outbox({
    postIntervalMs: deps.options?.postIntervalMs,
    onError: (error) => log.warn({ err: (error as Error).message }, 'incident Slack call failed'),
  });
  const defaultChannel = file.slack.incidents_channel ?? file.slack.ops_channel;
  const service: IncidentService = new IncidentService({
    store,
    slack,
    outbox,
    config,
    defaultChannel,
    runbooksFor: (incident) => runbookButtons(config.runbooks, incident.id, incident.alert),
    openIncidentChannel: incidentChannelOpener({
      config,
      groups: file.groups,
      store,
      slack,
      service: () => service,
    }),
    audit: deps.audit,
    log,
    maintenance: deps.maintenance,
  });
  warnUnknownRunbookCommands(config.runbooks, deps.registry, log);
  const incidents: IncidentsPort = {
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
  incidentsOpenGauge(() => deps.redis.scard(keysFor(prefix).incidentsOpen()));

  const queue = createIncidentsQueue(deps.redis, prefix);
  queue.on('error', (error) => log.warn({ err: error.message }, 'incidents queue error'));
  const sns = new SnsVerifier(deps.options?.sns);
  const intake = incidentIntake({
    store,
    channelFor: (alert) => service.channelFor(alert),
    queueWork: (work) => enqueueIncidentWork(queue, work),
    log,
  });
  if (deps.role !== 'worker') {
    mountAlertRoutes(deps.http, {
      intake: {
        ...intake,
        enqueueConfirmation: (confirmation) => enqueueConfirmation(queue, confirmation),
      },
      sns,
      allowedTopicArns: config.sns.allowed_topic_arns,
      webhookSecret: env.OPSBOT_WEBHOOK_SECRET,
      alertmanagerToken: env.OPSBOT_ALERTMANAGER_TOKEN,
      webhookReplays: new WebhookReplays(deps.redis, keysFor(prefix)),
      log,
    });
    if (deps.routes) {
      const actions = new IncidentActions({
        store,
        service,
        config,
        file,
        registry: deps.registry,
        submit: deps.submit,
        audit: deps.audit,
        isMember: deps.isMember,
      });
      registerIncidentListeners(deps.routes, actions, (channel, user, content) =>
        slack.ephemeral(channel, user, content),
      );
    }
  }

  let worker: Worker<IncidentJob> | undefined;
  let workerRedis: Redis | undefined;
  if (deps.role !== 'web') {
    workerRedis = connectRedis(
      { url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES },
      'worker',
    );
    workerRedis.on('error', (error) => log.warn({ err: error.message }, 'redis (incidents) error'));
    worker = startIncidentsWorker(
      workerRedis,
      prefix,
      async (job) => {
        if (job.kind === 'transition') return service.applyTransition(job.transition);
        if (job.kind === 'refresh') return service.refresh(job.id);
        if (job.kind === 'delivery') return intake.enqueueDeliveries([job.delivery]);
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
  }

  return {
    store,
    /** What commands read of incidents (`ctx.incidents`). */
    incidents,
    outbox,
    service,
    queue,
    /** Hands alerts raised inside opsbot (a checklist's ✗) to the same dedup and incident flow. */
    raise: (deliveries: Parameters<typeof intake.enqueueDeliveries>[0]) =>
      intake.enqueueDeliveries(deliveries),
    async stop() {
      service.close();
      await worker?.close();
      await Promise.race([
        outbox.idle(),
        new Promise((resolve) => setTimeout(resolve, 5000).unref()),
      ]);
      outbox.close();
      await queue.close();
      workerRedis?.disconnect();
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
