import type { Severity } from '../config/alerts.ts';

export type { Severity };

/** One link shown on an incident (generator, runbook, console, dashboard). */
export interface AlertLink {
  label: string;
  url: string;
}

/**
 * One delivery of an alert, in one shape whatever sent it. `key` is the dedup key: every firing
 * with the same key belongs to the same incident. Holds no secret.
 */
export interface Alert {
  /** `cloudwatch`, `alertmanager`, `grafana`, or a generic webhook's own `source`. */
  source: string;
  key: string;
  /**
   * `insufficient_data`: the source cannot tell whether it fires (CloudWatch `INSUFFICIENT_DATA`;
   * the alarm's `TreatMissingData` decides, and `breaching` sends it to `ALARM` instead). It opens
   * no incident and resolves none; an open incident stays open and gets a note in its thread.
   */
  status: 'firing' | 'resolved' | 'insufficient_data';
  severity: Severity;
  title: string;
  /** Why it fired (CloudWatch `NewStateReason`, an annotation's summary, a webhook's summary). */
  reason?: string;
  /** `INSUFFICIENT_DATA → ALARM` */
  stateChange?: string;
  /** CloudWatch: metric, dimensions, threshold. Generic webhooks: their `details`. */
  facts?: [label: string, value: string][];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** CloudWatch: the alarm metric's dimensions (name → value), for runbook templates. */
  dimensions?: Record<string, string>;
  links?: AlertLink[];
  /** When the source says it happened (ISO 8601), if it says. */
  occurredAt?: string;
  /**
   * When this state began (ms since the epoch), from sources whose every notification is one state
   * change (CloudWatch `StateChangeTime`). A delivery older than the last one counted for its key
   * arrived late (SNS keeps no order, and retries) and changes nothing.
   */
  stateChangedAt?: number;
  /**
   * When the firing this delivery belongs to began (ms since the epoch), from sources that say so
   * on its firing and on its recovery alike (Alertmanager's and Grafana's `startsAt`). A recovery
   * of a firing that began before the one its incident holds is late and resolves nothing.
   */
  firingStartedAt?: number;
}

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'warning', 'info'];

/** Maps the words sources use (`P1`, `error`, `page`, …) onto our four severities. */
export function severityFrom(value: unknown, fallback: Severity = 'warning'): Severity {
  const word = String(value ?? '')
    .trim()
    .toLowerCase();
  if ((SEVERITIES as readonly string[]).includes(word)) return word as Severity;
  if (['p1', 'sev1', 'page', 'fatal', 'emergency', 'disaster'].includes(word)) return 'critical';
  if (['p2', 'sev2', 'error', 'major'].includes(word)) return 'high';
  if (['p3', 'sev3', 'warn', 'minor', 'average'].includes(word)) return 'warning';
  if (['p4', 'p5', 'low', 'notice', 'information', 'none'].includes(word)) return 'info';
  return fallback;
}

/** A problem with an inbound body: the endpoint answers 400 with this reason. */
export class BadAlert extends Error {}
