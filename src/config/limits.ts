import { z } from 'zod';

/**
 * The `limits:` section (finding 7 of issue 16): how much one member may ask for, and how many runs
 * of each kind a worker process runs at once.
 */
export const limitsSchema = z
  .object({
    /** Runs one member may have queued or running at once; past it a request is refused. */
    runs_in_flight_per_user: z.number().int().positive().default(10),
    /** Requests one member may make per minute (plans and refused ones included). */
    requests_per_minute_per_user: z.number().int().positive().default(30),
    /** Runs of commands that change something, per worker process (the `runs` queue). */
    mutating_runs_per_worker: z.number().int().positive().default(8),
    /** Runs of read-only commands (searches, follows, checks), per worker process (`reads`). */
    read_only_runs_per_worker: z.number().int().positive().default(8),
  })
  .strict();

export type LimitsConfig = z.infer<typeof limitsSchema>;
