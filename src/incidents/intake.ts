import type { Alert } from '../alerts/alert.ts';
import type { AlertIntake, Delivery } from '../alerts/routes.ts';
import type { Logger } from '../log.ts';
import { metrics } from '../metrics/metrics.ts';
import type { enqueueIncidentWork, IncidentWork } from './queue.ts';
import type { IncidentStore } from './store.ts';

type Work = Parameters<typeof enqueueIncidentWork>[1][number];

export interface IncidentIntakeDeps {
  store: IncidentStore;
  channelFor(alert: Alert): string;
  queueWork(work: Work[]): Promise<void>;
  log: Logger;
}

/**
 * What the endpoints hand deliveries to: each delivery is deduped and counted at once, in one
 * atomic Redis script (so no firing is lost or counted twice whatever Slack or the workers do),
 * and only the Slack work it causes is queued: a transition job, or a parent refresh when none is
 * queued for that incident yet. A storm of repeats thus costs one Redis round trip per firing.
 */
export function incidentIntake(deps: IncidentIntakeDeps): Pick<AlertIntake, 'enqueueDeliveries'> {
  return {
    async enqueueDeliveries(deliveries: Delivery[]) {
      // Settled one by one: when some of a group's deliveries cannot be counted, the others that
      // were still get their Slack work, and the sender is answered 503 (below) and retries the
      // group; the retry's already-counted deliveries carry the same ids and count as duplicates.
      const counted = await Promise.allSettled(
        deliveries.map((d) =>
          deps.store.recordDelivery(
            d.id,
            d.alert,
            deps.channelFor(d.alert),
            d.receivedAt,
            d.truncatedAlerts,
          ),
        ),
      );
      const work: Work[] = [];
      let failure: unknown;
      counted.forEach((result, i) => {
        if (result.status === 'rejected') {
          failure ??= result.reason;
          return;
        }
        const delivery = deliveries[i]!;
        if (result.value.outcome === 'superseded')
          logSuperseded(deps.log, delivery, result.value.id);
        const job = jobFor(result.value, delivery.alert);
        if (job) work.push({ deliveryId: delivery.id, job });
        // How many alerts its group's notification left out changed (even on a re-send, which
        // counts nothing): re-render the parent, unless this delivery's own job does already.
        else if (result.value.truncatedChanged)
          work.push({
            deliveryId: `${delivery.id}-truncated-${delivery.receivedAt}`,
            job: { kind: 'refresh', id: result.value.id },
          });
      });
      try {
        await deps.queueWork(work);
      } catch (error) {
        // Every delivery is already counted: answering 503 would make the sender count it again.
        // A lost refresh is retried by the next repeat a minute later; a lost transition is
        // redone when a worker starts (IncidentService.resume).
        deps.log.error(
          { err: (error as Error).message, jobs: work.length },
          'counted alerts but could not queue their Slack work',
        );
      }
      if (failure !== undefined) throw failure;
    },
  };
}

/**
 * A recovery that resolved nothing: it ends a firing older than the one its incident holds. Logged,
 * and counted by source (`opsbot_alert_recoveries_superseded_total`).
 */
function logSuperseded(log: Logger, delivery: Delivery, incidentId: string) {
  const { source, key, firingStartedAt } = delivery.alert;
  metrics.recoveriesSuperseded.inc({ source });
  log.warn(
    {
      key,
      incident_id: incidentId,
      delivery: delivery.id,
      ...(firingStartedAt === undefined
        ? {}
        : { firing_started_at: new Date(firingStartedAt).toISOString() }),
    },
    'ignored a late recovery: it ends a firing older than the one the incident holds',
  );
}

function jobFor(
  recorded: Awaited<ReturnType<IncidentStore['recordDelivery']>>,
  alert: Alert,
): IncidentWork | undefined {
  const { outcome, id, count, refresh, clearedAck } = recorded;
  if (
    outcome === 'open' ||
    outcome === 'reopen' ||
    outcome === 'resolve' ||
    outcome === 'insufficient_data'
  ) {
    const { source, key, title, severity, reason, stateChange } = alert;
    // Only the insufficient-data note shows the alarm's reason and state change.
    const note = outcome === 'insufficient_data';
    return {
      kind: 'transition',
      transition: {
        outcome,
        id,
        count,
        alert: {
          source,
          key,
          title,
          severity,
          ...(note && reason !== undefined ? { reason } : {}),
          ...(note && stateChange !== undefined ? { stateChange } : {}),
        },
        ...(clearedAck ? { clearedAck } : {}),
      },
    };
  }
  if (outcome === 'repeat' && refresh) return { kind: 'refresh', id };
  return undefined;
}
