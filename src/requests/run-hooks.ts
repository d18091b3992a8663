import type { RunHooks } from '../run/hooks.ts';
import type { RequestCards } from './request-cards.ts';
import type { RequestStore } from './request-store.ts';

/** Moves a request card to running, done or failed as its run goes (the worker's side of the card). */
export function requestRunHooks(store: RequestStore, cards: RequestCards): RunHooks {
  return {
    async runChanged(job, phase, problem) {
      if (!job.card) return;
      const from =
        phase === 'running' ? (['approved'] as const) : (['approved', 'running'] as const);
      const fields = problem ? { error: `${problem.code}: ${problem.message}` } : undefined;
      const moved = await store.transition(job.id, [...from], phase, 'none', fields);
      if (moved.result === 'ok') await cards.refresh(job.id);
    },
  };
}
