import type { Queue } from 'bullmq';
import type { Delivery } from '../alerts/routes.ts';
import type { FileConfig } from '../config/file.ts';
import type { Registry } from '../intake/validate.ts';
import type { Logger } from '../log.ts';
import type { GroupResolver } from '../requests/groups.ts';
import type { RunJob } from '../requests/request.ts';
import { RequestStore } from '../requests/request-store.ts';
import type { EnqueueSubmission } from '../requests/submission.ts';
import { UserError } from '../sdk/errors.ts';
import type { IncidentsPort } from '../sdk/incidents.ts';
import type { Ports } from '../sdk/ports/index.ts';
import type { ChecklistsPort, HandoffPort, SchedulesPort } from '../sdk/schedules.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { checkGate } from './check-policy.ts';
import { Checklists } from './checklist.ts';
import { ScheduleEngine } from './engine.ts';
import { gatherHandoff } from './handoff.ts';
import { ChecklistHistory } from './history.ts';
import { scheduleRunHooks } from './run-hooks.ts';
import { ScheduleStore } from './store.ts';

export interface SchedulesDeps {
  file: FileConfig;
  registry: Registry;
  redis: Redis;
  /** The worker's own connection; absent in a web process (it fires nothing). */
  workerRedis?: Redis;
  prefix: string;
  keys: Keys;
  enqueueSubmission: EnqueueSubmission;
  runs: Queue<RunJob>;
  incidents: IncidentsPort;
  /** Hands checklist failures to the incident flow. */
  raise?: (deliveries: Delivery[]) => Promise<void>;
  log: Logger;
  /** The process's ports (checks read through them; the handoff reads notes from the ledger). */
  ports: () => Ports;
  /** Group membership, for each check's own command policy. */
  groups: GroupResolver;
  drainDelaySeconds?: number;
}

/**
 * Schedules, checklists and the handoff for one process: the engine (reconcile, fire), the ports
 * commands use (`schedule`, `checklist`, `handoff`), and the run hooks that record last results.
 */
export function createSchedules(deps: SchedulesDeps) {
  const log = deps.log.child({ part: 'schedules' });
  const store = new ScheduleStore(deps.redis, deps.keys);
  const engine = new ScheduleEngine({
    redis: deps.redis,
    workerRedis: deps.workerRedis,
    prefix: deps.prefix,
    store,
    file: deps.file,
    registry: deps.registry,
    enqueueSubmission: deps.enqueueSubmission,
    log,
    drainDelaySeconds: deps.drainDelaySeconds,
  });
  const checklists = new Checklists({
    file: deps.file,
    registry: deps.registry,
    history: new ChecklistHistory(deps.redis, deps.keys),
    store,
    raise: deps.raise,
    log,
    ports: deps.ports,
    incidents: deps.incidents,
    gate: checkGate(deps.file, deps.groups),
  });
  const known = (name: string) => {
    if (!Object.hasOwn(deps.file.schedules, name)) {
      const names = Object.keys(deps.file.schedules).join(', ') || 'none configured';
      throw new UserError('unknown_schedule', `no schedule named ${name} (known: ${names})`);
    }
  };
  const schedules: SchedulesPort = {
    list: () => engine.list(),
    runNow: async (name, askedBy) => {
      known(name);
      return engine.runNow(name, askedBy);
    },
    setPaused: async (name, paused) => {
      known(name);
      return store.setPaused(name, paused);
    },
  };
  const requests = new RequestStore(deps.redis, deps.keys);
  const handoff: HandoffPort = {
    view: (input) =>
      gatherHandoff(
        {
          redis: deps.redis,
          keys: deps.keys,
          requests,
          runs: deps.runs,
          incidents: deps.incidents,
          schedules: () => engine.list(),
        },
        { sinceMs: input.sinceMs, ledger: deps.ports().ledger },
      ),
  };
  const checklistsPort: ChecklistsPort = {
    names: () => checklists.names(),
    run: (name, ctx) => checklists.run(name, ctx),
  };
  return {
    engine,
    store,
    ports: { schedules, checklists: checklistsPort, handoff },
    hooks: scheduleRunHooks(store, deps.redis, deps.keys),
    start: () => engine.start(),
    stop: () => engine.stop(),
  };
}

export type Schedules = ReturnType<typeof createSchedules>;
