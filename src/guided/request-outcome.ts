import type { Queue } from 'bullmq';
import type { RunJob } from '../requests/request.ts';
import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';

export type RequestOutcome =
  | { status: 'pending' }
  | { status: 'missing' }
  | { status: 'done' }
  /** `by`: who ended the request (a denial), shown beside the reason. */
  | { status: 'failed'; reason: string; by?: string };

/**
 * Where a request a runbook made stands, read from what the request flow already keeps: the run's
 * job (done or failed for good) and the request record (denied, cancelled or expired before a run).
 */
export async function requestOutcome(
  redis: Redis,
  keys: Keys,
  queue: Queue<RunJob>,
  requestId: string,
): Promise<RequestOutcome> {
  const job = await queue.getJob(requestId);
  if (job) {
    const state = await job.getState();
    if (state === 'completed') return { status: 'done' };
    if (state === 'failed')
      return { status: 'failed', reason: `its run failed: ${job.failedReason ?? 'unknown error'}` };
    return { status: 'pending' };
  }
  const [state, reason, by] = await redis.hmget(
    keys.request(requestId),
    'state',
    'reason',
    'decided_by',
  );
  if (state === 'denied' || state === 'cancelled')
    return {
      status: 'failed',
      reason: `its request was ${state}${reason ? `: ${reason}` : ''}`,
      ...(by ? { by } : {}),
    };
  if (state === 'expired') return { status: 'failed', reason: 'its request expired' };
  if (state === 'failed') return { status: 'failed', reason: 'its run failed' };
  if (state === 'done') return { status: 'done' };
  return state ? { status: 'pending' } : { status: 'missing' };
}
