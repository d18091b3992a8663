import type { Keys } from '../store/keys.ts';
import type { Redis } from '../store/redis.ts';
import type { CheckResult } from './checks.ts';

/** A checklist run as kept for the next run's "changed since": each check's verdict and figures. */
export interface ChecklistRun {
  at: number;
  requestId: string;
  results: Pick<CheckResult, 'check' | 'status' | 'reason' | 'values'>[];
}

/** The previous run of each checklist, in Redis (one JSON value per checklist). */
export class ChecklistHistory {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async previous(name: string): Promise<ChecklistRun | undefined> {
    const text = await this.redis.get(this.keys.checklistLast(name));
    return text ? (JSON.parse(text) as ChecklistRun) : undefined;
  }

  /**
   * Stores `run` as the latest and returns the one it replaced, atomically, so two runs finishing
   * together each compare against a different predecessor instead of both against the same one.
   */
  async replace(name: string, run: ChecklistRun): Promise<ChecklistRun | undefined> {
    const results = run.results.map(({ check, status, reason, values }) => ({
      check,
      status,
      reason,
      ...(values ? { values } : {}),
    }));
    const before = (await this.redis.call(
      'SET',
      this.keys.checklistLast(name),
      JSON.stringify({ ...run, results }),
      'GET',
    )) as string | null;
    return before ? (JSON.parse(before) as ChecklistRun) : undefined;
  }
}
