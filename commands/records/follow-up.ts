import { type FileConfig, type Step, type StepContext, step } from '../../src/sdk/index.ts';
import { viaAdminApi } from './admin-api.ts';
import { type AppEventResult, appAuditConfigured, awaitAppEvent } from './app-audit.ts';
import { type NoticeKind, notifyConfigured, notifyDuckling } from './notify.ts';

/**
 * The steps Mission Control's playbooks ask for after the action: check the app's own audit event
 * (only through the admin API: a direct DynamoDB write bypasses the app, so no event comes) and
 * notify the duckling. Each is there only when configured.
 */
export interface FollowUp<A> {
  /** The app's audit event (`duck.key_rotated`). */
  event: string;
  /** The id the app files the event under (the duckling, cert or connection). */
  subject(ctx: StepContext<A>): string;
  /** When the action was asked for (epoch ms), from the action step's result. */
  since(ctx: StepContext<A>): number;
  /**
   * Whether the action step found nothing to do and asked nothing of the app (the record was
   * already in the wanted state): no audit event will come, so none is waited for.
   */
  unchanged(ctx: StepContext<A>): boolean;
  notice: NoticeKind;
  /** The duckling to notify; undefined when nothing changed (nobody is told). */
  duckling(ctx: StepContext<A>): string | undefined;
  /** Template data: ids and times, never a key. */
  data(ctx: StepContext<A>): Record<string, string>;
}

export function followUpSteps<A>(targets: FileConfig['targets'], f: FollowUp<A>): Step<A>[] {
  const steps: Step<A>[] = [];
  if (viaAdminApi(targets) && appAuditConfigured(targets)) {
    steps.push(
      step<A>('app-audit', `Check the app's ${f.event} audit event`, async (ctx) => {
        if (f.unchanged(ctx)) {
          ctx.progress('nothing was asked of the app; no audit event to wait for');
          const skipped: AppEventResult = { seen: false, reason: 'nothing was asked of the app' };
          return skipped;
        }
        return awaitAppEvent(ctx, { event: f.event, subject: f.subject(ctx), since: f.since(ctx) });
      }),
    );
  }
  if (notifyConfigured(targets)) {
    steps.push(
      step<A>('notify', 'Notify the duckling by e-mail', async (ctx) => {
        const duckling = f.duckling(ctx);
        if (!duckling) {
          ctx.progress('nothing changed; nobody notified');
          return { notNotified: 'nothing changed' };
        }
        return notifyDuckling(ctx, { kind: f.notice, ducklingId: duckling, data: f.data(ctx) });
      }),
    );
  }
  return steps;
}
