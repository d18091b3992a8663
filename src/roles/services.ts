import { type Audit, startAudit } from '../audit/start.ts';
import { awsAdapters } from '../aws/adapters.ts';
import { responderProblems } from '../config/alerts.ts';
import { limitsSchema } from '../config/limits.ts';
import { ConfigError } from '../config/load.ts';
import { containmentPorts } from '../containment/start.ts';
import { createRegistry } from '../intake/validate.ts';
import { createLogger } from '../log.ts';
import { createMaintenance } from '../maintenance/start.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import { commands } from '../registry/commands.ts';
import { UserLimits } from '../requests/limits.ts';
import { policyProblems } from '../requests/policy.ts';
import { createRunsQueue } from '../requests/runs-queue.ts';
import { createRequestFlow } from '../requests/service.ts';
import { createEnqueueSubmission, submissionsWaitingGauge } from '../requests/submission-stream.ts';
import { withoutScheduleEphemerals } from '../schedules/ephemerals.ts';
import { scheduleProblems } from '../schedules/problems.ts';
import type { Ports } from '../sdk/ports/index.ts';
import { slackAnchorReader } from '../slack/audit-anchors.ts';
import { outputMessage } from '../slack/blocks/output.ts';
import { requestRenderer } from '../slack/blocks/request-renderer.ts';
import { slackLookups, slackUsergroupMembers } from '../slack/lookups.ts';
import { slackOutbox } from '../slack/slack-outbox.ts';
import { createWebClient, webWriter } from '../slack/web-writer.ts';
import { redisDeployHistory } from '../store/deploy-history.ts';
import { keys as keysFor } from '../store/keys.ts';
import { connectRedis, describeEndpoint, whenReady } from '../store/redis.ts';
import { startGuidedRunbooks } from './guided.ts';
import type { StartOptions } from './options.ts';

/**
 * What a role that runs commands checks against its environment: each command's `regionProblems`
 * (a CLOUDFRONT blocklist target naming no region runs in the bot's AWS_REGION). The web role
 * plans and runs nothing (a worker does both, and lifts expired blocks), and its AWS_REGION says
 * nothing of the workers', so it does not check.
 */
function regionProblems(options: StartOptions): string[] {
  const { env, file } = options.config;
  if (options.role === 'web') return [];
  // block-ip and unblock-ip share their targets: a problem is named once.
  const problems = new Set(
    commands.flatMap((command) => command.regionProblems?.(file.targets, env.AWS_REGION) ?? []),
  );
  return [...problems].map((problem) => `${env.OPSBOT_CONFIG} ${problem}`);
}

/**
 * Checks what the config cannot check alone: policies, responders and schedules against the
 * commands, and the targets against the bot's region.
 */
function checkedRegistry(options: StartOptions) {
  const { env, file } = options.config;
  const problems = [
    ...policyProblems(commands, file),
    ...responderProblems(file.alerts, file.groups),
    ...regionProblems(options),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  const registry = createRegistry(commands);
  const scheduling = scheduleProblems(file, registry, env.OPSBOT_CONFIG);
  if (scheduling.length > 0) throw new ConfigError(scheduling);
  return registry;
}

/** The producer connection (requests, queues, the audit buffer), the runs queue and the Slack writer. */
async function connect(options: StartOptions, base: ReturnType<typeof basics>) {
  const { env, file } = options.config;
  const { log, keys, prefix, registry, endpoint } = base;
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
    userLimits,
  );
  queue.on('error', (error) => log.warn({ err: error.message }, 'runs queue error'));
  const client = createWebClient(env.SLACK_BOT_TOKEN, env.SLACK_API_URL);
  // A schedule is no Slack user: ephemerals to `schedule:<name>` are dropped, not sent to fail.
  const writer: SlackWriter = withoutScheduleEphemerals(webWriter(client), log);
  // Runs and incidents post and edit through one rate-aware outbox.
  const { outbox, runWriter, incidentSlack } = slackOutbox({
    token: env.SLACK_BOT_TOKEN,
    slackApiUrl: env.SLACK_API_URL,
    writer,
    log,
    postIntervalMs: options.alerts?.postIntervalMs,
  });
  return { redis, limits, userLimits, queue, client, writer, outbox, runWriter, incidentSlack };
}

function basics(options: StartOptions) {
  const { env } = options.config;
  return {
    env,
    file: options.config.file,
    log: options.log ?? createLogger(env.LOG_LEVEL),
    prefix: env.OPSBOT_PREFIX,
    keys: keysFor(env.OPSBOT_PREFIX),
    endpoint: { url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES },
    registry: checkedRegistry(options),
  };
}

type Connected = ReturnType<typeof basics> & Awaited<ReturnType<typeof connect>>;

function startAuditTrail(options: StartOptions, c: Connected): Promise<Audit> {
  const { env, file } = options.config;
  return startAudit({
    file,
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    redis: c.redis,
    keys: c.keys,
    log: c.log,
    writer: options.role !== 'web',
    lookups: slackLookups(c.client),
    writerOptions: options.auditWriter,
    slack: c.writer,
    anchorReader: (channel) => slackAnchorReader(c.client, channel),
  });
}

/** The ports steps reach: AWS (or the test's stand-ins), the bot's own ports, all behind the ledger. */
function buildPorts(options: StartOptions, c: Connected, auditTrail: Audit) {
  const { redis, keys, prefix, file, writer, registry, log } = c;
  // Deploy history is the bot's own (Redis), whatever answers for AWS.
  const own = { deploys: redisDeployHistory(redis, keys) };
  const containment = containmentPorts(redis, keys, prefix);
  const maintenance = createMaintenance({
    redis,
    keys,
    prefix,
    file,
    registry,
    statusSecret: c.env.OPSBOT_STATUS_WEBHOOK_SECRET,
    post: async (channel, message) => {
      await writer.post(channel, outputMessage(message));
    },
    audit: auditTrail.sink,
    log,
  });
  const bots = { ...containment.ports, maintenance: maintenance.port };
  const ports: Ports = auditTrail.withLedger(
    options.aws
      ? { ...own, ...bots, ...options.aws }
      : { ...awsAdapters(c.env.AWS_REGION, own), ...bots },
  );
  return { containment, maintenance, ports };
}

/**
 * The one typed set of services every role shares: the checked config, Redis, the registry, the
 * runs queue, the Slack writer, the audit trail, the ports, guided runbooks and the request flow.
 */
export async function buildServices(options: StartOptions) {
  const base = basics(options);
  const connected: Connected = { ...base, ...(await connect(options, base)) };
  const auditTrail = await startAuditTrail(options, connected);
  const built = buildPorts(options, connected, auditTrail);
  const { redis, keys, writer, log } = connected;
  const shared = { ...connected, ...built, auditTrail, audit: auditTrail.sink };
  let requestFlow: ReturnType<typeof createRequestFlow> | undefined;
  // Guided runbooks ask the request flow for membership and requests; both are built here.
  const guided = startGuidedRunbooks(options, shared, () => requestFlow!);
  requestFlow = createRequestFlow({
    redis,
    keys,
    queue: connected.queue,
    writer,
    renderer: requestRenderer,
    usergroupMembers: slackUsergroupMembers(connected.client),
    audit: shared.audit,
    log,
    registry: connected.registry,
    file: connected.file,
    ports: built.ports,
    limits: connected.userLimits,
  });
  // The web role hands each submission to the workers (enqueueSubmission); a worker turns it into
  // a request (createRequest).
  const enqueueSubmission = createEnqueueSubmission({
    redis,
    keys,
    writer,
    renderer: requestRenderer,
    log,
  });
  submissionsWaitingGauge(redis, keys);
  return { ...shared, ...guided, requestFlow, enqueueSubmission, options };
}

export type Services = Awaited<ReturnType<typeof buildServices>>;
