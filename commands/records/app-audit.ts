import { type FileConfig, type StepContext, sleep } from '../../src/sdk/index.ts';
import { recordActions } from '../lib/record-actions.ts';

/**
 * Mission Control's audit verification (playbook 2 step 5, playbooks 3 and 5): after the action,
 * wait (up to `app_audit.wait_seconds`, default 60) for the app's own audit event for the
 * subject (`duck.key_rotated` for the duckling) at or after the run's start. Found: the step notes
 * the event id. Not found in time: ⚠ "action done, audit event not seen"; the action is done and
 * is not retried, so this never fails the run.
 */

export type AppEventResult =
  | { seen: true; eventId: string; at: string }
  | { seen: false; reason: string };

type Ctx = Pick<StepContext<unknown>, 'targets' | 'ports' | 'signal' | 'progress'>;

const CLOCK_SKEW_MS = 5_000;

/** ISO 8601 or epoch (seconds or milliseconds) → epoch milliseconds. */
function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value < 1e12 ? value * 1000 : value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
    if (/^\d+$/.test(value)) return timeOf(Number(value));
  }
  return undefined;
}

export const appAuditConfigured = (targets: FileConfig['targets']) =>
  recordActions(targets).app_audit !== undefined;

export async function awaitAppEvent(
  ctx: Ctx,
  input: { event: string; subject: string; since: number },
): Promise<AppEventResult> {
  const cfg = recordActions(ctx.targets).app_audit;
  if (!cfg) return { seen: false, reason: 'no app audit table configured' };
  const deadline = Date.now() + cfg.wait_seconds * 1000;
  for (;;) {
    const items = await ctx.ports.records.query({
      table: cfg.table,
      index: cfg.index,
      region: cfg.region,
      key: { [cfg.subject_attribute]: input.subject },
    });
    // The app's clock and ours may differ a little.
    const found = items.find(
      (item) =>
        item[cfg.event_attribute] === input.event &&
        (timeOf(item[cfg.time_attribute]) ?? 0) >= input.since - CLOCK_SKEW_MS,
    );
    if (found) {
      const eventId = String(found[cfg.id_attribute] ?? '(no id)');
      ctx.progress(`✓ ${input.event} ${eventId}`);
      return { seen: true, eventId, at: String(found[cfg.time_attribute]) };
    }
    if (Date.now() >= deadline || ctx.signal.aborted) break;
    await sleep(Math.min(cfg.poll_ms, Math.max(0, deadline - Date.now())), ctx.signal);
  }
  const reason = `⚠ action done, audit event ${input.event} not seen within ${cfg.wait_seconds} s`;
  ctx.progress(reason);
  return { seen: false, reason };
}

/** IAM: Query on the app audit table's index (only with `via: admin_api`, where it is read). */
export function appAuditStatements(targets: FileConfig['targets'], region: string) {
  const cfg = recordActions(targets).app_audit;
  if (!cfg || recordActions(targets).via !== 'admin_api') return [];
  return [
    {
      actions: ['dynamodb:Query'],
      resources: [
        `arn:aws:dynamodb:${cfg.region ?? region}:*:table/${cfg.table}/index/${cfg.index}`,
      ],
    },
  ];
}
