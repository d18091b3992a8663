import type {
  MaintenanceRun,
  MaintenanceSummary,
  MaintenanceWindow,
} from '../sdk/ports/maintenance.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';

/** How long a closed window (its runs and muted incidents) is kept for reading. */
const CLOSED_TTL_SECONDS = 30 * 24 * 3600;

/**
 * KEYS[1] open hash, KEYS[2] window hash; ARGV[1] service, ARGV[2] window id, ARGV[3] window JSON.
 * Opens the window unless the service has one: returns {'opened'|'adopted'|'busy'|'closed', id}.
 * `adopted`: this id's window is the open one (a retried run); `closed`: it was opened and has
 * closed since; `busy`: another window is open (its id).
 */
const OPEN = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  if cur == ARGV[2] then return {'adopted', cur} end
  return {'busy', cur}
end
if redis.call('EXISTS', KEYS[2]) == 1 then return {'closed', ARGV[2]} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], 'window', ARGV[3], 'status', 'open')
return {'opened', ARGV[2]}
`;

/**
 * KEYS[1] open hash, KEYS[2] window hash, KEYS[3] its runs, KEYS[4] its muted incidents;
 * ARGV[1] service, ARGV[2] window id, ARGV[3] end JSON, ARGV[4] ttl (s). Closes the window only
 * while it is the service's open one: returns 1 for the one caller that closed it, else 0.
 */
const CLOSE = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'status', 'closed', 'ended', ARGV[3])
for i = 2, 4 do redis.call('EXPIRE', KEYS[i], ARGV[4]) end
return 1
`;

/** KEYS[1] runs hash; ARGV[1] run id, ARGV[2] phase. Updates the phase of a run already noted. */
const SET_PHASE = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
local run = cjson.decode(v)
run.phase = ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(run))
return 1
`;

export type OpenResult = 'opened' | 'adopted' | 'busy' | 'closed';

/** Maintenance windows in Redis: atomic open and close, plain reads. Survives restarts. */
export class MaintenanceStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async open(window: MaintenanceWindow): Promise<{ result: OpenResult; id: string }> {
    const [result, id] = (await this.redis.eval(
      OPEN,
      2,
      this.keys.maintenanceOpen(),
      this.keys.maintenanceWindow(window.id),
      window.service,
      window.id,
      JSON.stringify(window),
    )) as [OpenResult, string];
    return { result, id };
  }

  async get(id: string): Promise<MaintenanceWindow | undefined> {
    const json = await this.redis.hget(this.keys.maintenanceWindow(id), 'window');
    return json ? (JSON.parse(json) as MaintenanceWindow) : undefined;
  }

  /** The open windows, soonest planned end first (one past its end stays until it is closed). */
  async listOpen(): Promise<MaintenanceWindow[]> {
    const ids = await this.redis.hvals(this.keys.maintenanceOpen());
    const all = await Promise.all(ids.map((id) => this.get(id)));
    return all
      .filter((w): w is MaintenanceWindow => w !== undefined)
      .sort((a, b) => a.plannedEnd - b.plannedEnd);
  }

  /** The id of the service's open window, if any. */
  openId(service: string): Promise<string | null> {
    return this.redis.hget(this.keys.maintenanceOpen(), service);
  }

  /**
   * Closes window `id` if it is still the service's open one. Only the caller that closed it gets
   * the summary (a manual end racing the planned end: one summary).
   */
  async close(
    window: MaintenanceWindow,
    end: { endedAt: number; how: MaintenanceSummary['how']; endedBy: string },
  ): Promise<MaintenanceSummary | undefined> {
    const closed = await this.redis.eval(
      CLOSE,
      4,
      this.keys.maintenanceOpen(),
      this.keys.maintenanceWindow(window.id),
      this.keys.maintenanceRuns(window.id),
      this.keys.maintenanceMuted(window.id),
      window.service,
      window.id,
      JSON.stringify(end),
      CLOSED_TTL_SECONDS,
    );
    if (closed !== 1) return undefined;
    const [runs, muted] = await Promise.all([
      this.redis.hvals(this.keys.maintenanceRuns(window.id)),
      this.redis.hgetall(this.keys.maintenanceMuted(window.id)),
    ]);
    return {
      window,
      ...end,
      runs: runs.map((r) => JSON.parse(r) as MaintenanceRun).sort((a, b) => a.at - b.at),
      muted: Object.entries(muted).map(([incidentId, title]) => ({ incidentId, title })),
    };
  }

  /** Sets a window's field only the first time (once-only claims: announced, webhook sent). */
  async claim(id: string, field: string): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.maintenanceWindow(id), field, '1')) === 1;
  }

  async noteRun(id: string, run: MaintenanceRun): Promise<void> {
    await this.redis.hsetnx(this.keys.maintenanceRuns(id), run.runId, JSON.stringify(run));
  }

  async setRunPhase(id: string, runId: string, phase: MaintenanceRun['phase']): Promise<void> {
    await this.redis.eval(SET_PHASE, 1, this.keys.maintenanceRuns(id), runId, phase);
  }

  /** Counts an incident as muted in the window, once. */
  async noteMuted(id: string, incidentId: string, title: string): Promise<void> {
    await this.redis.hsetnx(this.keys.maintenanceMuted(id), incidentId, title);
  }
}
