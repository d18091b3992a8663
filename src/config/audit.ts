import { z } from 'zod';

/** `audit:` in the YAML file. Without it, audit entries only go to the log. */
export const auditConfigSchema = z
  .object({
    /** The DynamoDB table of the ledger (create it with `opsbot setup`). */
    table: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name such as opsbot-audit'),
    region: z.string().optional(),
    /** Another DynamoDB endpoint (dynalite, DynamoDB Local); defaults to AWS_ENDPOINT_URL or AWS. */
    endpoint: z.url().optional(),
    /**
     * Where the ledger's head is anchored: a Slack channel the bot posts `seq` and hash to, which
     * Slack keeps apart from the ledger, so a cut at the tail shows in `/ops audit verify`.
     */
    anchor_channel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'a Slack channel id such as C0AUDIT')
      .optional(),
    /** Anchor after this many new entries (default 1,000) … */
    anchor_every: z.number().int().min(1).max(1_000_000).optional(),
    /** … or this long after the last anchor (default 60), when entries were added since. */
    anchor_interval_minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
  })
  .strict()
  .refine(
    (audit) =>
      audit.anchor_channel !== undefined ||
      (audit.anchor_every === undefined && audit.anchor_interval_minutes === undefined),
    {
      message: 'anchor_every and anchor_interval_minutes need anchor_channel (where anchors go)',
      path: ['anchor_channel'],
    },
  );

export type AuditConfig = z.infer<typeof auditConfigSchema>;

export const DEFAULT_ANCHOR_EVERY = 1000;
export const DEFAULT_ANCHOR_INTERVAL_MINUTES = 60;
