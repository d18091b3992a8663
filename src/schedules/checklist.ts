import type { Alert } from '../alerts/alert.ts';
import type { Delivery } from '../alerts/routes.ts';
import type { FileConfig } from '../config/file.ts';
import type { ChecklistConfig } from '../config/schedules.ts';
import type { Registry } from '../intake/validate.ts';
import type { Logger } from '../log.ts';
import type { OutputMessage, RequestInfo } from '../sdk/command.ts';
import { PermanentError } from '../sdk/errors.ts';
import type { IncidentsPort } from '../sdk/incidents.ts';
import type { Ports } from '../sdk/ports/index.ts';
import type { CheckGate } from './check-policy.ts';
import { type CheckResult, runChecks } from './checks.ts';
import { type Changes, changesSince } from './diff.ts';
import { digestMessage, headline, worst } from './digest.ts';
import type { ChecklistHistory } from './history.ts';
import type { ScheduleStore, Status } from './store.ts';

export interface ChecklistDeps {
  file: Pick<FileConfig, 'checklists' | 'targets'>;
  registry: Registry;
  history: ChecklistHistory;
  store: ScheduleStore;
  /** Hands alerts to the incident flow (deduplicated by key like any alert); absent: no incidents. */
  raise?: (deliveries: Delivery[]) => Promise<void>;
  log: Logger;
  /** The process's ports, which the checks read through (the same the run worker uses). */
  ports: () => Ports;
  /** The open incidents, for checks that read them (`incidents severity=critical`). */
  incidents: IncidentsPort;
  /** Each check's own command policy for the requester (src/schedules/check-policy.ts). */
  gate?: CheckGate;
}

export interface ChecklistOutcome {
  message: OutputMessage;
  status: Status;
  summary: string;
  results: CheckResult[];
  changes: Changes | undefined;
}

/**
 * `checklist <name>`: runs the configured checks in parallel, compares with the previous run
 * (kept in Redis), and builds one digest card. With `open_incident_on: fail`, each ✗ fires an
 * alert keyed by checklist and check, and each cleared ✗ resolves it, through the incident flow.
 */
export class Checklists {
  constructor(private readonly deps: ChecklistDeps) {}

  names(): string[] {
    return Object.keys(this.deps.file.checklists);
  }

  async run(name: string, request: RequestInfo): Promise<ChecklistOutcome> {
    const config = this.deps.file.checklists[name];
    if (!config)
      throw new PermanentError(
        'unknown_checklist',
        `no checklist named ${name} (known: ${this.names().join(', ') || 'none configured'})`,
      );
    const title = config.title ?? name;
    const results = await runChecks({
      checks: config.checks,
      timeoutMs: config.timeout_seconds * 1000,
      registry: this.deps.registry,
      targets: this.deps.file.targets,
      ports: this.deps.ports(),
      incidents: this.deps.incidents,
      request,
      ...(this.deps.gate ? { gate: this.deps.gate } : {}),
    });
    const at = Date.now();
    const previous = await this.deps.history.replace(name, {
      at,
      requestId: request.id,
      results,
    });
    const changes = previous ? changesSince(previous.results, results) : undefined;
    const scheduled = await this.deps.store.scheduledRequest(request.id);
    const message = digestMessage({
      title,
      results,
      changes,
      previousAt: previous?.at,
      late: scheduled && scheduled.lateMs > 0 ? scheduled : undefined,
    });
    const status = worst(results);
    const summary = headline(title, results);
    await this.deps.store.finished(request.id, { status, summary });
    if (config.open_incident_on === 'fail') await this.raise(name, config, results, changes, at);
    return { message, status, summary, results, changes };
  }

  private async raise(
    name: string,
    config: ChecklistConfig,
    results: CheckResult[],
    changes: Changes | undefined,
    at: number,
  ) {
    if (!this.deps.raise) return;
    const alert = (
      check: string,
      status: Alert['status'],
      reason: string,
      link?: string,
    ): Alert => ({
      source: 'checklist',
      key: `checklist:${name}:${check}`,
      status,
      severity: config.incident_severity,
      title: `${config.title ?? name}: ${check} ✗`,
      reason,
      ...(link ? { links: [{ label: 'details', url: link }] } : {}),
      labels: { checklist: name, check },
    });
    const deliveries: Delivery[] = [
      ...results
        .filter((r) => r.status === 'fail')
        .map((r) => alert(r.check, 'firing', r.reason, r.link)),
      ...(changes?.cleared ?? []).map((c) => alert(c.check, 'resolved', c.reason)),
    ].map((a, i) => ({ id: `checklist:${name}:${at}:${i}`, alert: a, receivedAt: at }));
    if (deliveries.length === 0) return;
    try {
      await this.deps.raise(deliveries);
    } catch (error) {
      this.deps.log.warn(
        { checklist: name, err: (error as Error).message },
        'could not hand checklist failures to the incident flow',
      );
    }
  }
}
