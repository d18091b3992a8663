import type { Queue } from 'bullmq';
import type { RunJob } from '../requests/request.ts';
import type { RequestStore } from '../requests/request-store.ts';
import type { IncidentsPort } from '../sdk/incidents.ts';
import type { LedgerPort } from '../sdk/ports/index.ts';
import type { HandoffView, ScheduleRow } from '../sdk/schedules.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';

export interface HandoffDeps {
  redis: Redis;
  keys: Keys;
  requests: RequestStore;
  runs: Queue<RunJob>;
  incidents: IncidentsPort;
  schedules: () => Promise<ScheduleRow[]>;
}

const MAX_ITEMS = 50;

/** Gathers a handoff for the window [now − sinceMs, now]. Open things are shown whatever their age. */
export async function gatherHandoff(
  deps: HandoffDeps,
  input: { sinceMs: number; ledger?: LedgerPort; now?: number },
): Promise<HandoffView> {
  const now = input.now ?? Date.now();
  const since = now - input.sinceMs;
  const [incidents, breakGlass, failedRuns, awaitingApproval, schedules, notes] = await Promise.all(
    [
      deps.incidents.listOpen(),
      requestsIn(deps, deps.keys.emergenciesUnacknowledged()),
      failedRunsSince(deps.runs, since),
      requestsIn(deps, deps.keys.requestsPending()),
      deps.schedules(),
      input.ledger ? notesSince(input.ledger, since) : undefined,
    ],
  );
  return {
    since,
    now,
    incidents: incidents.map((i) => ({
      title: i.title,
      severity: i.severity,
      ageMs: now - i.firstSeen,
      ...(i.acknowledgedBy ? { acknowledgedBy: i.acknowledgedBy } : {}),
      ...(i.link ? { link: i.link } : {}),
    })),
    breakGlass: breakGlass
      .filter((r) => r.request.emergency && !r.acknowledgedBy)
      .map((r) => ({
        requestId: r.request.id,
        command: r.request.command,
        requester: r.request.requester,
        reason: r.request.emergency!.reason,
        at: r.request.createdAt,
      })),
    failedRuns,
    awaitingApproval: awaitingApproval
      .filter((r) => r.state === 'pending')
      .map((r) => ({
        requestId: r.request.id,
        command: r.request.command,
        requester: r.request.requester,
        at: r.request.createdAt,
      })),
    schedules,
    notes,
  };
}

async function requestsIn(deps: HandoffDeps, key: string) {
  const ids = await deps.redis.zrange(key, 0, String(MAX_ITEMS - 1));
  const records = await Promise.all(ids.map((id) => deps.requests.load(id)));
  return records.filter((r) => r !== undefined);
}

async function failedRunsSince(runs: Queue<RunJob>, since: number) {
  const jobs = await runs.getJobs(['failed'], 0, 199);
  return jobs
    .filter((j) => (j.finishedOn ?? 0) >= since)
    .sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0))
    .slice(0, MAX_ITEMS)
    .map((j) => ({
      requestId: j.data.id,
      command: j.data.command,
      requester: j.data.requester,
      at: j.finishedOn ?? 0,
      reason: (j.failedReason ?? 'failed').slice(0, 200),
    }));
}

async function notesSince(ledger: LedgerPort, since: number) {
  const entries = await ledger.recent({
    last: MAX_ITEMS,
    command: 'note',
    since: new Date(since).toISOString(),
  });
  return entries
    .filter((e) => e.action === 'operator.note')
    .map((e) => ({
      at: Date.parse(e.ts),
      actor: e.actor_name ?? e.actor,
      text: String(e.data?.text ?? ''),
    }))
    .sort((a, b) => a.at - b.at);
}
