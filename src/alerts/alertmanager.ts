import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type Alert, type AlertLink, BadAlert, severityFrom } from './alert.ts';

const stringMap = z.record(z.string(), z.string()).default({});

const alertSchema = z
  .object({
    status: z.enum(['firing', 'resolved']),
    labels: stringMap,
    annotations: stringMap,
    startsAt: z.string().optional(),
    endsAt: z.string().optional(),
    generatorURL: z.string().optional(),
    fingerprint: z.string().min(1),
    /** Grafana's additions. */
    silenceURL: z.string().optional(),
    dashboardURL: z.string().optional(),
    panelURL: z.string().optional(),
    /** What the rule evaluated, by query ref (`{B: 44.2, C: 1}`); Grafana 9 sent `valueString`. */
    values: z.record(z.string(), z.unknown()).nullish(),
    valueString: z.string().optional(),
  })
  .loose();

/** Alertmanager webhook version 4; Grafana sends a superset (`orgId`, `values`, more URLs). */
const webhookSchema = z
  .object({
    version: z.string().optional(),
    status: z.enum(['firing', 'resolved']).optional(),
    receiver: z.string().optional(),
    groupKey: z.string().optional(),
    commonLabels: stringMap,
    commonAnnotations: stringMap,
    externalURL: z.string().optional(),
    orgId: z.number().optional(),
    /** How many alerts of the group Alertmanager left out (`max_alerts`); absent from Grafana. */
    truncatedAlerts: z.number().int().min(0).optional().catch(undefined),
    alerts: z.array(alertSchema).min(1, 'alerts[] is empty'),
  })
  .loose();

/** One entry of `alerts[]`: the alert, and the identity of its firing when it can be told. */
export interface AlertmanagerEntry {
  alert: Alert;
  /**
   * The same for every notification of the same firing (or recovery), so a re-send is never
   * counted again. Undefined when the entry has no `startsAt` (not from Alertmanager or Grafana).
   */
  firingId?: string;
}

/** One Alertmanager (or Grafana) notification: its entries, and what it says of its group. */
export interface AlertmanagerNotification {
  entries: AlertmanagerEntry[];
  /**
   * How many alerts of the group the notification left out (Alertmanager's `max_alerts`):
   * opsbot never receives them. Undefined when the sender does not say (Grafana).
   */
  truncatedAlerts?: number;
  groupKey?: string;
}

/** Splits an Alertmanager or Grafana webhook into one alert per entry of `alerts[]`, keyed by fingerprint. */
export function parseAlertmanager(body: unknown): Alert[] {
  return readAlertmanager(body).entries.map((entry) => entry.alert);
}

/**
 * Identity of one firing of one alert: fingerprint, status and `startsAt` (and `endsAt` for a
 * recovery). Alertmanager sends a group's whole notification again when the group changes
 * (`group_interval`), every `repeat_interval`, and on retry after a 5xx: each still-firing alert
 * comes with the same fingerprint and `startsAt` (a firing alert's `endsAt` is not exposed: it is
 * the zero time). A new firing after a recovery has a new `startsAt`.
 */
function firingIdOf(key: string, entry: z.infer<typeof alertSchema>): string | undefined {
  if (!entry.startsAt) return undefined;
  const parts = [key, entry.status, entry.startsAt];
  if (entry.status === 'resolved') parts.push(entry.endsAt ?? '');
  return `am-${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32)}`;
}

/** `parseAlertmanager`, with each entry's firing identity and the group's `truncatedAlerts`. */
export function readAlertmanager(body: unknown): AlertmanagerNotification {
  const parsed = webhookSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadAlert(
      `not an Alertmanager webhook: ${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
  }
  const hook = parsed.data;
  const source = hook.orgId !== undefined ? 'grafana' : 'alertmanager';
  const entries = hook.alerts.map((entry): AlertmanagerEntry => {
    const labels = { ...hook.commonLabels, ...entry.labels };
    const annotations = { ...hook.commonAnnotations, ...entry.annotations };
    const title = labels.alertname ?? annotations.summary ?? entry.fingerprint;
    const key = `${source}:${entry.fingerprint}`;
    const alert = {
      source,
      key,
      status: entry.status,
      severity: severityFrom(labels.severity ?? labels.priority, 'warning'),
      title,
      reason: annotations.summary ?? annotations.description,
      stateChange: entry.status === 'firing' ? 'inactive → firing' : 'firing → resolved',
      ...valueFacts(entry),
      labels,
      annotations,
      links: linksOf(entry, annotations),
      occurredAt: entry.startsAt,
      ...firingStartedAt(entry.startsAt),
    } satisfies Alert;
    const firingId = firingIdOf(key, entry);
    return firingId ? { alert, firingId } : { alert };
  });
  return {
    entries,
    ...(hook.truncatedAlerts === undefined ? {} : { truncatedAlerts: hook.truncatedAlerts }),
    ...(hook.groupKey === undefined ? {} : { groupKey: hook.groupKey }),
  };
}

/**
 * `startsAt` as ms: the same on a firing and on its recovery, later on a newer firing of the same
 * alert. Absent (or the zero time Go writes for "unset") when the sender does not say.
 */
function firingStartedAt(startsAt: string | undefined): Pick<Alert, 'firingStartedAt'> {
  const ms = Date.parse(startsAt ?? '');
  return Number.isFinite(ms) && ms > 0 ? { firingStartedAt: ms } : {};
}

/** Grafana's evaluated values as facts (`Value B` → `44.2`), else its `valueString`. */
function valueFacts(entry: z.infer<typeof alertSchema>): Pick<Alert, 'facts'> {
  const facts = Object.entries(entry.values ?? {}).map(([ref, value]): [string, string] => [
    `Value ${ref}`,
    String(value),
  ]);
  if (!facts.length && entry.valueString) facts.push(['Value', entry.valueString]);
  return facts.length ? { facts } : {};
}

function linksOf(entry: z.infer<typeof alertSchema>, annotations: Record<string, string>) {
  const candidates: [string, string | undefined][] = [
    ['Source', entry.generatorURL],
    ['Runbook', annotations.runbook_url],
    ['Dashboard', entry.dashboardURL],
    ['Panel', entry.panelURL],
    ['Silence', entry.silenceURL],
  ];
  return candidates
    .filter((c): c is [string, string] => Boolean(c[1]) && /^https?:\/\//.test(c[1]!))
    .map(([label, url]): AlertLink => ({ label, url }));
}
