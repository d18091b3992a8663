import type { Worker as WorkerType } from 'bullmq';
import type { AuditSink } from '../audit/sink.ts';
import type { FileConfig } from '../config/file.ts';
import { ConfigError } from '../config/load.ts';
import type { Registry } from '../intake/validate.ts';
import type { Logger } from '../log.ts';
import type { OutputMessage } from '../sdk/command.ts';
import { maintenanceServices } from '../sdk/maintenance-config.ts';
import type { MaintenanceWindow } from '../sdk/ports/maintenance.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { Queue, workerClass } from '../util/bullmq.ts';
import { maintenanceMute } from './mute.ts';
import { maintenanceRunHooks } from './run-hooks.ts';
import { MaintenanceStore } from './store.ts';
import { maintenanceWindows } from './windows.ts';

export const MAINTENANCE_END_QUEUE = 'maintenance-end';

/** A BullMQ job id may not hold `:`; request ids never do. */
const jobIdOf = (windowId: string) => `end-${windowId}`;

export interface MaintenanceDeps {
  redis: Redis;
  keys: Keys;
  prefix: string;
  file: FileConfig;
  registry: Registry;
  statusSecret?: string;
  /** Posts a top-level message in a channel. */
  post(channel: string, message: OutputMessage): Promise<void>;
  audit: AuditSink;
  log: Logger;
}

/**
 * Maintenance windows for one process: the port commands use, what incidents ask before posting
 * (`mute`), the run hook that notes runs made during a window, and (worker role) the consumer of
 * the planned ends. A planned end is a BullMQ delayed job with the window's id as job id: it lives
 * in Redis, fires after a restart, and exactly one worker takes it; closing is atomic, so a
 * `maintenance end` racing it gives one summary.
 */
export function createMaintenance(deps: MaintenanceDeps) {
  const services = maintenanceServices(deps.file.targets);
  const webhooks = Object.entries(services).filter(([, s]) => s.status_webhook);
  if (webhooks.length > 0 && !deps.statusSecret)
    throw new ConfigError(
      webhooks.map(
        ([name]) =>
          `targets.maintenance.${name}.status_webhook needs OPSBOT_STATUS_WEBHOOK_SECRET (the key that signs it)`,
      ),
    );
  const log = deps.log.child({ part: 'maintenance' });
  const store = new MaintenanceStore(deps.redis, deps.keys);
  const queue = new Queue<{ id: string }>(MAINTENANCE_END_QUEUE, {
    connection: deps.redis,
    prefix: deps.prefix,
  });
  queue.on('error', (error) => log.warn({ err: error.message }, 'maintenance queue error'));
  const windows = maintenanceWindows({
    store,
    services,
    opsChannel: deps.file.slack.ops_channel,
    post: deps.post,
    statusSecret: deps.statusSecret,
    scheduleEnd: async (window: MaintenanceWindow) => {
      await queue.add(
        'end',
        { id: window.id },
        {
          jobId: jobIdOf(window.id),
          delay: Math.max(0, window.plannedEnd - Date.now()),
          attempts: 10,
          backoff: { type: 'exponential', delay: 5000 },
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: { age: 30 * 24 * 3600 },
        },
      );
    },
    // A job that is running (the planned end racing a manual end) is not removed; it finds the
    // window closed and does nothing.
    cancelEnd: async (windowId) => {
      await queue.remove(jobIdOf(windowId));
    },
    record: (event, data) => {
      log.info({ event, ...data }, event);
      deps.audit.append({ action: event, actor: 'system', data });
    },
    warn: (message, data) => log.warn(data, message),
  });
  let worker: WorkerType | undefined;
  return {
    port: windows.port,
    mute: maintenanceMute(store, services),
    hooks: maintenanceRunHooks(store, deps.registry, deps.file.targets),
    /** The worker role's consumer of planned ends. */
    startWorker(connection: Redis) {
      worker = new (workerClass())<{ id: string }>(
        MAINTENANCE_END_QUEUE,
        async (job) => ({ closed: (await windows.plannedEnd(job.data.id)) !== undefined }),
        { connection, prefix: deps.prefix, concurrency: 2 },
      );
      worker.on('error', (error) => log.warn({ err: error.message }, 'maintenance worker error'));
    },
    async close() {
      await worker?.close();
      await queue.close();
    },
  };
}

export type Maintenance = ReturnType<typeof createMaintenance>;
