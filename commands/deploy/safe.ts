import {
  maintenanceServices,
  PermanentError,
  requirePort,
  type Step,
  type StepContext,
  step,
  utc,
} from '../../src/sdk/index.ts';
import { mark, probeBlock, verdictOf } from '../health/verdict.ts';
import { probeEndpoint } from '../health.ts';
import { busyMessage, closedNote, openWindow } from '../lib/maintenance.ts';
import { snapshotSteps } from '../rds/snapshot.ts';
import { deploySteps } from './steps.ts';
import { deployTarget, shortImage } from './targets.ts';

/**
 * `deploy <service> image=… --safe`: the Drop runbook's production deploy, steps 3–8 in one run —
 * snapshot the database, open a maintenance window, deploy, follow the rollout, check health (with
 * its required_checks), close the window. Every step is checkpointed by the worker, so a run
 * retried after a crash skips what finished, and the snapshot, window and deploy steps adopt what
 * a crashed attempt started: never a second snapshot, window or deployment. When health fails
 * after the rollout the run stops, the window stays open (an operator is now working on the
 * service: its alerts stay muted until `maintenance end` or the planned end) and the card offers a
 * Roll back button (a normal `rollback <service>` request, with its policy).
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function safeProblems(targets: Parameters<typeof deployTarget>[0], service: string) {
  const t = deployTarget(targets, service);
  const problems: { field: string; message: string }[] = [];
  if (!t.database)
    problems.push({
      field: 'safe',
      message: `--safe needs targets.deploys.${service}.database (the database to snapshot)`,
    });
  if (!t.health)
    problems.push({
      field: 'safe',
      message: `--safe needs targets.deploys.${service}.health (the endpoint to check)`,
    });
  return problems;
}

export function safeDeploySteps<A extends { service: string }>(
  service: string,
  database: string,
): Step<A>[] {
  return [
    ...snapshotSteps<A>(database, {
      prefix: 'snapshot:',
      titlePrefix: `Snapshot ${database}: `,
      reason: () => `deploy ${service} --safe`,
    }),
    maintenanceStart<A>(service),
    ...deploySteps<A>(service, 'deploy'),
    step<A>('health', 'Check health after the rollout', async (ctx) => {
      const t = deployTarget(ctx.targets, service);
      const endpoint = t.health!;
      const deadline = Date.now() + t.health_timeout_seconds * 1000;
      for (;;) {
        const probes = await probeEndpoint({ ...ctx, args: { service: endpoint } });
        const verdict = verdictOf(endpoint, probes);
        ctx.progress(`${mark(verdict.status)} ${verdict.reason}`);
        if (verdict.status !== 'fail') return { status: verdict.status, reason: verdict.reason };
        if (Date.now() >= deadline || ctx.signal.aborted) {
          const { to } = ctx.results.record as { to: string };
          const text = `✗ ${service}: ${shortImage(to)} is deployed but ${endpoint} is not healthy — ${verdict.reason}`;
          const window = ourWindow(ctx);
          await ctx.output.post({
            text,
            blocks: [
              { type: 'text', text: `*${text}*` },
              ...probes.map(probeBlock),
              ...(window
                ? [
                    {
                      type: 'context' as const,
                      text: `The maintenance window stays open (alerts for ${service} stay muted) until ${utc(window.plannedEnd)}, or until someone ends it.`,
                    },
                  ]
                : []),
              {
                type: 'buttons',
                buttons: [
                  { label: 'Roll back', command: `rollback ${service}`, style: 'danger' },
                  ...(window
                    ? [{ label: 'End maintenance', command: `maintenance end ${service}` }]
                    : []),
                ],
              },
            ],
          });
          throw new PermanentError(
            'health_failed',
            `${service}: health failed after the rollout (${verdict.reason}); the new image stays until someone rolls back`,
          );
        }
        await sleep(Math.min(t.health_poll_ms, Math.max(0, deadline - Date.now())));
      }
    }),
    maintenanceEnd<A>(service),
  ];
}

interface WindowResult {
  window?: string;
  plannedEnd?: number;
  /** False when another window was already open: this run leaves it as it found it. */
  ours?: boolean;
  skipped?: string;
}

function ourWindow(ctx: { results: Record<string, unknown> }) {
  const r = ctx.results['maintenance-start'] as WindowResult | undefined;
  return r?.ours && r.plannedEnd ? { id: r.window!, plannedEnd: r.plannedEnd } : undefined;
}

/**
 * Opens a window on the service for the deploy (when `targets.maintenance.<service>` says which
 * alerts to mute). The window's id is the request's, so a retried run adopts it. When someone
 * already opened one (a longer maintenance), the deploy runs inside it and leaves it open.
 */
function maintenanceStart<A extends { service: string }>(service: string): Step<A> {
  return step<A>('maintenance-start', 'Open a maintenance window', async (ctx) => {
    if (!maintenanceServices(ctx.targets)[service]) {
      ctx.progress(`no targets.maintenance.${service}: no window (alerts are not muted)`);
      return { skipped: 'not configured' } satisfies WindowResult;
    }
    const t = deployTarget(ctx.targets, service);
    const started = await openWindow(ctx as StepContext<A>, {
      service,
      reason: `deploy ${service} image=${(ctx.args as { image?: string }).image ?? '?'} --safe`,
      durationMs: t.maintenance_minutes * 60_000,
    });
    if (started.outcome === 'busy') {
      ctx.progress(`${busyMessage(started.window)}; the deploy runs inside it and leaves it open`);
      return { window: started.window.id, ours: false } satisfies WindowResult;
    }
    ctx.progress(`alerts for ${service} muted until ${utc(started.window.plannedEnd)}`);
    return {
      window: started.window.id,
      plannedEnd: started.window.plannedEnd,
      ours: true,
    } satisfies WindowResult;
  });
}

/** After health passed: closes the window this run opened, which posts its summary. */
function maintenanceEnd<A>(service: string): Step<A> {
  return step<A>('maintenance-end', 'Close the maintenance window', async (ctx) => {
    const window = ourWindow(ctx);
    if (!window) return { closed: false };
    const summary = await requirePort(ctx.ports, 'maintenance').end({
      service,
      by: ctx.request.requester,
      id: window.id,
    });
    if (!summary) {
      ctx.progress('the window had already ended');
      return { closed: false };
    }
    await ctx.output.post(closedNote(summary));
    return { closed: true, runs: summary.runs.length, alerts_muted: summary.muted.length };
  });
}
