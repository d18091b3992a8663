import type { Alert } from '../alerts/alert.ts';
import type { AuditSink } from '../audit/sink.ts';
import type { AlertsConfig } from '../config/alerts.ts';
import type { Logger } from '../log.ts';
import type { Outbox } from '../notify/outbox.ts';
import { own } from '../util/own.ts';
import type { IncidentNote, IncidentNotices, IncidentView, RunbookButton } from './notices.ts';
import type { Transition } from './queue.ts';
import type { Incident, IncidentStore } from './store.ts';

export interface IncidentServiceDeps {
  store: IncidentStore;
  notices: IncidentNotices;
  outbox: Outbox;
  config: AlertsConfig;
  /** Where incidents go when no per-source or per-severity channel is configured. */
  defaultChannel: string;
  runbooksFor(incident: Incident): RunbookButton[];
  /**
   * Opens a channel of its own for incidents of configured severities, once the parent is posted
   * (and after a restart, one whose opener died). Not awaited by the parent's post nor by resume:
   * it retries Slack's refusals itself, beside the outbox.
   */
  incidentChannel?: IncidentChannelOpener;
  /** Open maintenance windows: an incident whose alert matches one is posted muted. */
  maintenance?: MaintenanceMute;
  audit: AuditSink;
  log: Logger;
}

/** Opens an incident's own channel: when its parent is first posted, and again after a restart. */
export interface IncidentChannelOpener {
  /** The parent was just posted: takes the claim if nobody has (once across instances). */
  open(incident: Incident): Promise<void>;
  /**
   * A worker started: opens the channel whose opener died (its claim absent, or older than any
   * opener can be working), unless a channel was recorded or the opening gave up.
   */
  resume(incident: Incident): Promise<void>;
}

/** What the incident service asks of maintenance windows (src/maintenance implements it). */
export interface MaintenanceMute {
  /** The open window whose service the alert matches, if any. */
  windowFor(alert: Alert): Promise<{ id: string; service: string } | undefined>;
  /** Counts the incident as muted in that window (once). */
  noteMuted(windowId: string, incident: { id: string; title: string }): Promise<void>;
}

/**
 * Turns counted deliveries into incident notices: opens the parent, edits it as firings repeat or
 * recover, and posts thread notes, always through the outbox. State lives in Redis (the store).
 */
export class IncidentService {
  private readonly summaryTimers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly deps: IncidentServiceDeps) {}

  channelFor(alert: Alert): string {
    const { channels } = this.deps.config;
    return (
      own(channels.by_source, alert.source) ??
      channels.by_severity[alert.severity] ??
      this.deps.defaultChannel
    );
  }

  /**
   * Shows a transition the intake counted (open, reopen, resolve; insufficient data on an open
   * incident, as a thread note) and records it for audit.
   */
  async applyTransition(transition: Transition): Promise<void> {
    const { store, audit } = this.deps;
    const { outcome, id, count, alert } = transition;
    const base = { actor: alert.source, data: { incident_id: id, key: alert.key, count } };
    switch (outcome) {
      case 'open':
        audit.append({
          action: 'incident.opened',
          ...base,
          data: { ...base.data, title: alert.title, severity: alert.severity },
        });
        this.postParent(id);
        break;
      case 'reopen': {
        // The refiring cleared the acknowledgement (a new problem to acknowledge): the audit
        // entry and the thread keep whose it was.
        const { clearedAck } = transition;
        audit.append({
          action: 'incident.reopened',
          ...base,
          data: { ...base.data, ...(clearedAck ? { cleared_acknowledgement_by: clearedAck } : {}) },
        });
        this.editParent(id);
        const incident = await store.get(id);
        if (incident)
          this.reply(incident, {
            kind: 'reopened',
            incident,
            ...(clearedAck ? { clearedAck } : {}),
          });
        break;
      }
      case 'resolve': {
        audit.append({ action: 'incident.resolved', ...base });
        this.editParent(id);
        const incident = await store.get(id);
        if (incident) this.reply(incident, { kind: 'resolved', incident });
        break;
      }
      case 'insufficient_data': {
        // Not a recovery, not a firing: the incident stays open, the parent as it was.
        const { reason, stateChange } = alert;
        audit.append({
          action: 'incident.insufficient_data',
          ...base,
          data: { ...base.data, ...(reason ? { reason } : {}) },
        });
        const incident = await store.get(id);
        if (incident)
          this.reply(incident, {
            kind: 'insufficient-data',
            title: alert.title,
            ...(reason ? { reason } : {}),
            ...(stateChange ? { stateChange } : {}),
          });
        break;
      }
    }
  }

  /** Repeats were counted: edit the parent (coalesced) and schedule the repeat summary. */
  async refresh(id: string): Promise<void> {
    await this.deps.store.takeRefresh(id);
    this.editParent(id, false);
    await this.scheduleSummary(id);
  }

  /** Posts the parent message when the channel's turn comes, rendering the state at that moment. */
  postParent(id: string): void {
    void this.deps.store.get(id).then(
      (incident) => {
        if (!incident) return;
        this.deps.outbox.post(incident.channel, async () => {
          const found = await this.deps.store.get(id);
          if (!found || found.ts) return false;
          const now = await this.muteInMaintenance(found);
          const ts = await this.deps.notices.postParent(now.channel, this.view(now));
          await this.deps.store.setParent(id, ts);
          const after = await this.deps.store.get(id);
          const changed = after && (after.status !== now.status || after.ackedBy !== now.ackedBy);
          if (after && (changed || after.count !== now.count)) this.editParent(id, changed);
          if (after) this.openChannel({ ...after, ts }, 'open');
        });
      },
      (error) =>
        this.deps.log.error(
          { incident_id: id, err: (error as Error).message },
          'could not read an incident',
        ),
    );
  }

  /**
   * Opens the incident's own channel (when it is first posted, or a worker starts), unless it is
   * muted: that would invite, and so ping, the on-call group. Not awaited: its retries wait out
   * 429s, which must not hold back the channel's lane.
   */
  private openChannel(incident: Incident, when: keyof IncidentChannelOpener): void {
    if (incident.maintenance || !this.deps.incidentChannel) return;
    void this.deps.incidentChannel[when](incident).catch((error) =>
      this.deps.log.warn(
        { incident_id: incident.id, err: (error as Error).message },
        'could not open the incident channel',
      ),
    );
  }

  /**
   * Decides once, when the parent is first posted, whether the incident is muted: its alert
   * matches an open maintenance window. It is still recorded and counted; the parent is marked "in
   * maintenance" and pings nobody. When the windows cannot be read, it is posted as usual.
   */
  private async muteInMaintenance(incident: Incident): Promise<Incident> {
    if (incident.maintenance || !this.deps.maintenance) return incident;
    try {
      const window = await this.deps.maintenance.windowFor(incident.alert);
      if (!window) return incident;
      await this.deps.store.claim(incident.id, 'maintenance', window.service);
      await this.deps.maintenance.noteMuted(window.id, {
        id: incident.id,
        title: incident.alert.title,
      });
      this.deps.audit.append({
        action: 'incident.muted',
        actor: incident.alert.source,
        data: { incident_id: incident.id, window: window.id, service: window.service },
      });
      return { ...incident, maintenance: window.service };
    } catch (error) {
      this.deps.log.warn(
        { incident_id: incident.id, err: (error as Error).message },
        'maintenance windows not readable; posting unmuted',
      );
      return incident;
    }
  }

  /**
   * Edits the parent (coalesced; the latest state is read when the edit is sent). Repeats are not
   * `urgent`: their edit waits for the count to settle.
   */
  editParent(id: string, urgent = true): void {
    this.deps.outbox.edit(
      id,
      async () => {
        const incident = await this.deps.store.get(id);
        if (!incident?.ts) return false;
        await this.deps.notices.updateParent(incident.channel, incident.ts, this.view(incident));
      },
      urgent,
    );
  }

  private view(incident: Incident): IncidentView {
    return { incident, runbooks: this.deps.runbooksFor(incident) };
  }

  /** Posts `note` in the incident's thread (waits for the parent if it is not posted yet). */
  reply(incident: Incident, note: IncidentNote, attempt = 0): void {
    this.deps.outbox.post(incident.channel, async () => {
      const now = await this.deps.store.get(incident.id);
      if (!now) return false;
      if (!now.ts) {
        if (attempt < 120 && !this.closed)
          setTimeout(() => this.reply(incident, note, attempt + 1), 1000).unref();
        return false;
      }
      await this.deps.notices.post(now.channel, note, now.ts);
    });
  }

  /** At most one summary reply per `repeat_summary_seconds`, scheduled by whichever process claims it. */
  private async scheduleSummary(id: string): Promise<void> {
    if (this.summaryTimers.has(id)) return;
    const windowMs = this.deps.config.repeat_summary_seconds * 1000;
    if (!(await this.deps.store.claim(id, 'summary_due', Date.now() + windowMs))) return;
    const incident = await this.deps.store.get(id);
    const due = Math.max(0, (incident?.summaryAt ?? Date.now()) + windowMs - Date.now());
    await this.deps.store.set(id, { summary_due: Date.now() + due });
    this.summaryAt(id, due);
  }

  private summaryAt(id: string, delayMs: number) {
    if (this.closed || this.summaryTimers.has(id)) return;
    const timer = setTimeout(() => {
      this.summaryTimers.delete(id);
      this.summarize(id).catch((error) =>
        this.deps.log.warn(
          { incident_id: id, err: (error as Error).message },
          'repeat summary failed',
        ),
      );
    }, delayMs);
    this.summaryTimers.set(id, timer);
  }

  private async summarize(id: string) {
    const { repeats, since, count } = await this.deps.store.takeSummary(id);
    if (repeats === 0) return;
    const incident = await this.deps.store.get(id);
    if (!incident) return;
    this.deps.audit.append({
      action: 'incident.repeated',
      actor: incident.alert.source,
      data: { incident_id: id, repeats, count },
    });
    this.reply(incident, {
      kind: 'repeated',
      repeats,
      since,
      total: count,
      lastSeen: incident.lastSeen,
    });
  }

  /**
   * After a restart: posts parents that never landed, re-renders the others, opens the channels
   * whose opener died, re-arms summaries.
   */
  async resume(): Promise<number> {
    const open = await this.deps.store.listOpen();
    for (const incident of open) {
      if (!incident.ts) this.postParent(incident.id);
      else {
        this.editParent(incident.id);
        this.openChannel(incident, 'resume');
      }
      if (incident.summaryDue !== undefined)
        this.summaryAt(incident.id, Math.max(0, incident.summaryDue - Date.now()));
    }
    return open.length;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.summaryTimers.values()) clearTimeout(timer);
    this.summaryTimers.clear();
  }
}
