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
  })
  .strict();

export type AuditConfig = z.infer<typeof auditConfigSchema>;
