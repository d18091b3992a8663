import { hsetWithTtl } from '../store/hash-with-ttl.ts';
import { type Keys, RUN_STATE_TTL_SECONDS } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import type { StepCheckpoint } from './run-end.ts';

/**
 * Which steps of a run already finished, and what they returned. A run retried after a crash reads
 * these and skips what is done, so no step's effect happens twice.
 */
export class Checkpoints {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly runId: string,
  ) {}

  async load(): Promise<Map<string, unknown>> {
    const raw = await this.redis.hgetall(this.keys.runSteps(this.runId));
    return new Map(Object.entries(raw).map(([name, json]) => [name, JSON.parse(json)]));
  }

  async save({ step, result }: StepCheckpoint): Promise<void> {
    await hsetWithTtl(this.redis, this.keys.runSteps(this.runId), RUN_STATE_TTL_SECONDS, {
      [step]: JSON.stringify(result ?? null),
    });
  }
}
