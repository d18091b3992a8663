import { permalinkOf } from '../incidents/incident-channel.ts';
import { runIdFor } from '../requests/request.ts';
import type { RunHooks } from '../run/hooks.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import { isScheduleActor } from './engine.ts';
import type { ScheduleStore } from './store.ts';

/**
 * Records how a scheduled run ended as its schedule's last result (for `/ops schedule list` and
 * the handoff): a link to the run, ✗ when it failed, ✓ when it finished without a verdict of its
 * own (a checklist records its own ✓/⚠/✗ first).
 */
export function scheduleRunHooks(store: ScheduleStore, redis: Redis, keys: Keys): RunHooks {
  return {
    async runChanged(job, phase, problem) {
      if (phase === 'running' || !isScheduleActor(job.requester)) return;
      try {
        const message = await redis.hgetall(keys.runMessage(runIdFor(job.id)));
        const link = message.ts ? permalinkOf(message.channel!, message.ts) : undefined;
        if (phase === 'done')
          await store.finished(
            job.id,
            { status: 'ok', summary: 'done', link },
            { onlyIfOpen: true },
          );
        else
          await store.finished(job.id, {
            status: 'fail',
            summary: `failed: ${problem?.message ?? 'unknown error'}`.slice(0, 200),
            link,
          });
      } catch {
        // A hook must not throw; the result shows as unknown in the list.
      }
    },
  };
}

/** Tells every listener, in order. */
export function allHooks(...hooks: (RunHooks | undefined)[]): RunHooks {
  return {
    async runChanged(job, phase, problem) {
      for (const hook of hooks) await hook?.runChanged(job, phase, problem);
    },
  };
}
