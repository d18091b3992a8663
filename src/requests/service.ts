import type { Queue } from 'bullmq';
import type { AuditSink } from '../audit/sink.ts';
import type { FileConfig } from '../config/file.ts';
import type { Registry } from '../intake/validate.ts';
import type { Logger } from '../log.ts';
import { approvalsPendingGauge } from '../metrics/metrics.ts';
import type { SlackWriter } from '../notify/slack-writer.ts';
import type { Ports } from '../sdk/ports/index.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { createRequest, type Submission } from './create-request.ts';
import { Decisions } from './decisions.ts';
import { GroupResolver, type UsergroupLookup } from './groups.ts';
import type { UserLimits } from './limits.ts';
import type { RunJob } from './request.ts';
import { RequestCards } from './request-cards.ts';
import { RequestNotices, type RequestRenderer } from './request-notices.ts';
import { RequestStore } from './request-store.ts';
import { requestRunHooks } from './run-hooks.ts';
import { startSweeper } from './sweeper.ts';

export interface RequestFlowDeps {
  redis: Redis;
  keys: Keys;
  queue: Queue<RunJob>;
  writer: SlackWriter;
  /** How request notices look in Slack (the renderer src/slack/blocks implements). */
  renderer: RequestRenderer;
  /** Members of a Slack user group (the port src/slack implements). */
  usergroupMembers: UsergroupLookup;
  audit: AuditSink;
  log: Logger;
  registry: Registry;
  file: FileConfig;
  ports: Ports;
  /** Per-member limits, checked when a request is created. */
  limits: UserLimits;
}

/**
 * The request flow, wired: the worker's `createRequest` stage (a submission from the stream becomes
 * a request), the request store, approval decisions on clicks, the run's card hooks and the
 * expiry/reminder sweeper. `src/roles/services.ts` builds one per process.
 */
export function createRequestFlow(deps: RequestFlowDeps) {
  const settings = deps.file.approvals;
  const store = new RequestStore(deps.redis, deps.keys);
  const groups = new GroupResolver(
    deps.file.groups,
    deps.usergroupMembers,
    settings.membership_cache_seconds * 1000,
  );
  const cards = new RequestCards(store, new RequestNotices(deps.writer, deps.renderer), deps.log);
  const decisions = new Decisions({ ...deps, store, groups, cards });
  const reminderMs = settings.emergency_reminder_hours * 3600_000;
  approvalsPendingGauge(() => store.pendingCount());
  let sweeper: ReturnType<typeof startSweeper> | undefined;
  const createDeps = {
    ...deps,
    opsChannel: deps.file.slack.ops_channel,
    config: deps.file,
    groups,
    store,
    reminderMs,
  };
  return {
    store,
    groups,
    decisions,
    runHooks: requestRunHooks(store, cards),
    /** Turns a submission read from the submissions stream into a request (in a worker). */
    createRequest: (submission: Submission, delivery: string) =>
      createRequest(submission, createDeps, delivery),
    /** Starts the timer that expires requests and reminds of unacknowledged emergency runs. */
    startSweeper() {
      sweeper ??= startSweeper({
        ...deps,
        store,
        cards,
        intervalMs: settings.sweep_seconds * 1000,
        reminderMs,
      });
    },
    async stop() {
      await sweeper?.stop();
    },
  };
}

export type RequestFlow = ReturnType<typeof createRequestFlow>;
