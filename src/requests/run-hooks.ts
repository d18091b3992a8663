import type { RunJob, RunPhase } from './request.ts';
import type { RequestCards } from './request-cards.ts';
import type { RequestStore } from './request-store.ts';

/**
 * Moves a request card to running, done or failed as its run goes (the worker's side of the card).
 * It has the shape of src/run's `RunHooks` without importing it: src/run reads the request types,
 * src/requests never imports src/run (no folder cycle).
 */
export function requestRunHooks(store: RequestStore, cards: RequestCards) {
  return {
    async runChanged(job: RunJob, phase: RunPhase, problem?: { code: string; message: string }) {
      if (!job.card) return;
      const from =
        phase === 'running' ? (['approved'] as const) : (['approved', 'running'] as const);
      const fields = problem ? { error: `${problem.code}: ${problem.message}` } : undefined;
      const moved = await store.transition(job.id, [...from], phase, 'none', fields);
      if (moved.result === 'ok') await cards.refresh(job.id);
    },
  };
}
