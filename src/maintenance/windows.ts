import type { OutputMessage } from '../sdk/command.ts';
import type { MaintenanceService } from '../sdk/maintenance-config.ts';
import type {
  MaintenancePort,
  MaintenanceSummary,
  MaintenanceWindow,
} from '../sdk/ports/maintenance.ts';
import { announcement, summaryMessage } from './messages.ts';
import { sendStatus, statusBody } from './status-webhook.ts';
import type { MaintenanceStore } from './store.ts';

export interface WindowsDeps {
  store: MaintenanceStore;
  /** `targets.maintenance` (validated at start). */
  services: Record<string, MaintenanceService>;
  opsChannel: string;
  /** Posts a top-level message in a channel. */
  post(channel: string, message: OutputMessage): Promise<void>;
  /** Schedules the planned end (a delayed job, once per window). */
  scheduleEnd(window: MaintenanceWindow): Promise<void>;
  /** Drops the planned end of a window ended early, so no job lingers until then. */
  cancelEnd(windowId: string): Promise<void>;
  /** Signs status webhooks; checked at start when one is configured. */
  statusSecret?: string;
  record(event: string, data: Record<string, unknown>): void;
  warn(message: string, data: Record<string, unknown>): void;
}

/**
 * Opening and closing windows, the same way whoever does it (`maintenance start|end`, the planned
 * end's job, `deploy --safe`). The state change is atomic in Redis; what follows it (status
 * webhook, announcement, summary) is claimed once per window, so a retry never posts twice.
 */
export function maintenanceWindows(deps: WindowsDeps) {
  const { store } = deps;
  const channelsOf = (service: string) => [
    deps.opsChannel,
    ...(service === 'all'
      ? [...new Set(Object.values(deps.services).flatMap((s) => s.announce_channels))]
      : (deps.services[service]?.announce_channels ?? [])),
  ];
  const webhooksOf = (service: string) => [
    ...new Set(
      (service === 'all' ? Object.values(deps.services) : [deps.services[service]])
        .map((s) => s?.status_webhook?.url)
        .filter((u): u is string => u !== undefined),
    ),
  ];

  async function tellStatusPages(
    window: MaintenanceWindow,
    event: 'maintenance.started' | 'maintenance.ended',
    summary?: MaintenanceSummary,
  ): Promise<string | undefined> {
    const urls = webhooksOf(window.service);
    if (urls.length === 0 || !deps.statusSecret) return undefined;
    if (!(await store.claim(window.id, `status:${event}`))) return undefined;
    const body = statusBody(event, window, summary);
    const notes = await Promise.all(
      urls.map(async (url) => {
        const sent = await sendStatus(url, deps.statusSecret!, body);
        if (!sent.ok) deps.warn('status webhook failed', { window: window.id, note: sent.note });
        return sent.note;
      }),
    );
    return [...new Set(notes)].join('; ');
  }

  async function postEverywhere(service: string, message: OutputMessage) {
    for (const channel of new Set(channelsOf(service)))
      await deps.post(channel, message).catch((error) =>
        deps.warn('maintenance message not posted', {
          channel,
          err: (error as Error).message,
        }),
      );
  }

  /** Closes window `window` (if still open) and reports it; undefined when it was closed already. */
  async function finish(
    window: MaintenanceWindow,
    how: MaintenanceSummary['how'],
    by: string,
  ): Promise<MaintenanceSummary | undefined> {
    const summary = await store.close(window, { endedAt: Date.now(), how, endedBy: by });
    if (!summary) return undefined;
    deps.record('maintenance.ended', {
      window: window.id,
      service: window.service,
      how,
      runs: summary.runs.length,
      alerts_muted: summary.muted.length,
    });
    const statusPage = await tellStatusPages(window, 'maintenance.ended', summary);
    if (await store.claim(window.id, 'summary'))
      await postEverywhere(window.service, summaryMessage(summary, statusPage));
    return summary;
  }

  const port: MaintenancePort = {
    list: () => store.listOpen(),
    async start(input) {
      const now = Date.now();
      const window: MaintenanceWindow = {
        id: input.id,
        service: input.service,
        reason: input.reason,
        by: input.by,
        runId: input.runId,
        command: input.command,
        startedAt: now,
        plannedEnd: now + input.durationMs,
      };
      const opened = await store.open(window);
      const found = (await store.get(opened.id)) ?? window;
      if (opened.result === 'busy') return { outcome: 'busy', window: found };
      if (opened.result === 'closed') return { outcome: 'adopted', window: found };
      await deps.scheduleEnd(found);
      if (opened.result === 'opened') {
        deps.record('maintenance.started', {
          window: found.id,
          service: found.service,
          planned_end: new Date(found.plannedEnd).toISOString(),
          reason: found.reason,
        });
        // The run that opened the window is made during it (deploy --safe).
        if (found.command !== 'maintenance')
          await store.noteRun(found.id, {
            runId: found.runId,
            command: found.command,
            requester: found.by,
            at: now,
            phase: 'running',
          });
      }
      const statusPage = await tellStatusPages(found, 'maintenance.started');
      if (await store.claim(found.id, 'announced'))
        await postEverywhere(found.service, announcement(found, statusPage));
      return { outcome: opened.result, window: found };
    },
    async end({ service, by, id }) {
      const open = await store.openId(service);
      if (!open || (id !== undefined && open !== id)) return undefined;
      const window = await store.get(open);
      if (!window) return undefined;
      const summary = await finish(window, 'manual', by);
      await deps.cancelEnd(window.id).catch((error) =>
        deps.warn('the planned end of an ended window was not removed', {
          window: window.id,
          err: (error as Error).message,
        }),
      );
      return summary;
    },
  };

  return {
    port,
    /** The planned end (the delayed job): closes the window if it is still open. */
    plannedEnd: async (id: string) => {
      const window = await store.get(id);
      return window ? finish(window, 'planned', 'system') : undefined;
    },
  };
}
