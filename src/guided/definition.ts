import { z } from 'zod';
import { DURATION, durationMs } from './duration.ts';

/**
 * A guided runbook: one YAML file naming a procedure's steps in order. A step is `manual` (a person
 * acts and confirms), `command` (an opsbot command, requested with its own policy) or `check` (a
 * read-only command whose verdict must pass). Parsed with this schema when opsbot starts.
 */

const duration = z
  .string()
  .regex(DURATION, 'a duration such as 30s, 5m, 2h or 1d')
  .refine((text) => (durationMs(text) ?? 0) > 0, 'must be longer than 0');

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

const paramSchema = z
  .object({
    type: z.literal('string').default('string'),
    required: z.boolean().default(false),
    description: z.string().max(200).optional(),
    /** A regular expression the whole value must match. */
    pattern: z
      .string()
      .refine((p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression')
      .optional(),
    default: z.string().optional(),
  })
  .strict();

const manualStep = z
  .object({
    /** What the person must do, in one or two sentences (mrkdwn allowed). */
    manual: z.string().min(1).max(1500),
    /** The Done button's label. */
    confirm: z.string().min(1).max(40).optional(),
    /** `other`: someone other than the person who started the runbook must confirm (two-person rule). */
    by: z.enum(['anyone', 'other']).default('anyone'),
    /** The bot reminds in the thread when this time is up; Done is accepted from then on. */
    wait: duration.optional(),
  })
  .strict();

const commandStep = z
  .object({
    /** An opsbot command line, as typed after `/ops`; `{{params.x}}` fills in a parameter. */
    command: z.string().min(1).max(500),
  })
  .strict();

const checkStep = z
  .object({
    /** A read-only opsbot command; its verdict (or its run's status) must pass to go on. */
    check: z.string().min(1).max(500),
    retry: z.object({ every: duration, for: duration }).strict().optional(),
  })
  .strict();

const stepSchema = z.union([manualStep, commandStep, checkStep], {
  error: () => 'a step is one of `manual: "…"`, `command: "…"` or `check: "…"`',
});

export const guidedRunbookSchema = z
  .object({
    name: z.string().regex(NAME, 'lowercase letters, digits and dashes, such as drop-jwt-rotation'),
    title: z.string().min(1).max(150),
    /** Where the procedure comes from (`drop.txt §5.1`). */
    source: z.string().min(1).max(200),
    description: z.string().max(1000).optional(),
    params: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, 'a parameter name such as reason'),
        paramSchema,
      )
      .default({}),
    steps: z.array(stepSchema).min(1).max(40),
  })
  .strict();

export type GuidedRunbookFile = z.infer<typeof guidedRunbookSchema>;
export type ParamDefinition = z.infer<typeof paramSchema>;
type RawStep = z.infer<typeof stepSchema>;

/** A step as the engine uses it: its kind made explicit, durations in milliseconds. */
export type RunbookStep =
  | { kind: 'manual'; text: string; confirm: string; by: 'anyone' | 'other'; waitMs?: number }
  | { kind: 'command'; text: string }
  | { kind: 'check'; text: string; retry?: { everyMs: number; forMs: number } };

export interface GuidedRunbook {
  name: string;
  /** A hash of the steps: an execution refuses to go on if its file's steps changed meanwhile. */
  digest: string;
  title: string;
  source: string;
  description?: string;
  params: Record<string, ParamDefinition>;
  steps: RunbookStep[];
  /** The file it was read from (for messages). */
  file: string;
}

export function stepOf(raw: RawStep): RunbookStep {
  if ('manual' in raw) {
    const waitMs = raw.wait ? durationMs(raw.wait) : undefined;
    return {
      kind: 'manual',
      text: raw.manual,
      confirm: raw.confirm ?? 'Done',
      by: raw.by,
      ...(waitMs ? { waitMs } : {}),
    };
  }
  if ('command' in raw) return { kind: 'command', text: raw.command };
  return {
    kind: 'check',
    text: raw.check,
    ...(raw.retry
      ? { retry: { everyMs: durationMs(raw.retry.every)!, forMs: durationMs(raw.retry.for)! } }
      : {}),
  };
}
