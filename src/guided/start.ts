import type { Queue as QueueType, Worker as WorkerType } from 'bullmq';
import type { AuditSink } from '../audit/sink.ts';
import type { FileConfig } from '../config/file.ts';
import type { Registry } from '../intake/validate.ts';
import type { Logger } from '../log.ts';
import type { RunJob } from '../requests/request.ts';
import type { RunHooks } from '../run/hooks.ts';
import type { Ports } from '../sdk/ports/index.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { Queue, workerClass } from '../util/bullmq.ts';
import { GUIDED_QUEUE, type GuidedCardPort, GuidedEngine, type GuidedJob } from './engine.ts';
import { type GuidedLibrary, GuidedRunbookProblems, loadGuidedRunbooks } from './library.ts';
import { requestOutcome } from './request-outcome.ts';
import { guidedSettings } from './settings.ts';
import { Stepper, type StepperDeps } from './stepper.ts';
import { ExecutionStore, guidedKeys } from './store.ts';

export interface GuidedOptions {
  redis: Redis;
  prefix: string;
  keys: Keys;
  file: FileConfig;
  registry: Registry;
  audit: AuditSink;
  log: Logger;
  card: GuidedCardPort;
  /** Why a user may not click on runbook cards, if so. */
  mayAct?: (user: string) => Promise<string | undefined>;
  /** Worker role only: runs command and check steps. */
  worker?: {
    connection: Redis;
    runs: QueueType<RunJob>;
    createRequest: StepperDeps['createRequest'];
    ports: Ports;
  };
}

/**
 * Guided runbooks, wired for one process: reads and checks every runbook file (a bad one stops the
 * start with the file, step and reason), the engine both roles use for starts and clicks, and in a
 * worker the guided queue's consumer that runs the steps.
 */
export function startGuided(options: GuidedOptions) {
  const settings = guidedSettings(options.file as Record<string, unknown>);
  const library = loadGuidedRunbooks(settings.folders, options.registry, options.file.targets);
  checkAlertButtons(options.file, library);
  const store = new ExecutionStore(options.redis, guidedKeys(options.prefix));
  const queue = new Queue<GuidedJob>(GUIDED_QUEUE, {
    connection: options.redis,
    prefix: options.prefix,
  });
  queue.on('error', (error) => options.log.warn({ err: error.message }, 'guided queue error'));
  const engine = new GuidedEngine({
    library,
    store,
    queue,
    card: options.card,
    audit: options.audit,
    log: options.log,
    settings,
    targets: options.file.targets,
    ...(options.mayAct ? { mayAct: options.mayAct } : {}),
  });
  let worker: WorkerType<GuidedJob> | undefined;
  if (options.worker) {
    const { runs, connection } = options.worker;
    const stepper = new Stepper({
      engine,
      createRequest: options.worker.createRequest,
      requestOutcome: (id) => requestOutcome(options.redis, options.keys, runs, id),
      ports: options.worker.ports,
      log: options.log,
    });
    worker = new (workerClass())<GuidedJob>(
      GUIDED_QUEUE,
      async (job) => {
        if (job.name === 'idle') await stepper.idle(job.data.id);
        else await stepper.advance(job.data.id);
      },
      { connection, prefix: options.prefix, concurrency: 4 },
    );
    worker.on('error', (error) => options.log.warn({ err: error.message }, 'guided worker error'));
  }
  /**
   * Tells the runbook a command step's run ended (it also polls, so a missed call only delays).
   * Only a guided request's run can belong to a runbook: other runs cost no lookup.
   */
  const hooks: RunHooks = {
    async runChanged(job, phase) {
      if (phase === 'running' || !job.guided) return;
      try {
        const id = await store.executionOfRequest(job.id);
        if (id) await engine.schedule(id);
      } catch (error) {
        options.log.warn(
          { err: (error as Error).message },
          'could not tell a runbook its run ended',
        );
      }
    },
  };
  return {
    engine,
    library,
    hooks,
    async stop() {
      await worker?.close();
      await queue.close();
    },
  };
}

export type Guided = ReturnType<typeof startGuided>;

/** Every alert runbook button that starts a guided runbook must name one that exists. */
function checkAlertButtons(file: FileConfig, library: GuidedLibrary) {
  const problems = (file.alerts?.runbooks ?? []).flatMap((mapping) =>
    mapping.buttons.flatMap((button, index) =>
      button.runbook !== undefined && !library.find(button.runbook)
        ? [
            `alerts.runbooks.${mapping.name}.buttons.${index}: no guided runbook named ${button.runbook} (known: ${library
              .list()
              .map((r) => r.name)
              .join(', ')})`,
          ]
        : [],
    ),
  );
  if (problems.length > 0) throw new GuidedRunbookProblems(problems);
}
