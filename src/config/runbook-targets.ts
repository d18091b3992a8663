import { z } from 'zod';

/**
 * Table and secret targets, shared by the DynamoDB record and Secrets Manager runbook commands
 * (rotate-key, revoke-connection, expire-cert, rotate-secret). A section only one command reads
 * lives beside that command (its `config`).
 */

const tableTargetSchema = z
  .object({
    /** The DynamoDB table name; defaults to the target name. */
    table_name: z.string().min(3).optional(),
    region: z.string().optional(),
    /** The partition key attribute (a string). */
    key: z.string().min(1).default('id'),
    /**
     * The records this table holds, for the commands that change them: a kind a command declares
     * (`config.recordKinds`), checked when the configuration loads.
     */
    holds: z.string().min(1).optional(),
    /** The environment that picks the policy of commands changing this table. */
    environment: z.string().min(1).default('prod'),
  })
  .strict();

/** Characters a generated secret value is drawn from. */
export const CHARSETS = {
  alphanumeric: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  hex: '0123456789abcdef',
  printable:
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&()*+,-./:;<=>?@[]^_{|}~',
} as const;

const secretTargetSchema = z
  .object({
    /** Secret name or ARN in Secrets Manager. */
    secret_id: z.string().min(1),
    region: z.string().optional(),
    /** Length of a generated value (ignored with `rotation_lambda`). */
    length: z.number().int().min(16).max(4096).default(64),
    charset: z.enum(Object.keys(CHARSETS) as [keyof typeof CHARSETS]).default('alphanumeric'),
    /** When set, `rotate-secret` calls RotateSecret with this Lambda instead of writing a value. */
    rotation_lambda: z.string().min(1).optional(),
    /** Services that read the secret and need a restart after a rotation (see `restart`). */
    consumers: z.array(z.string().min(1)).default([]),
    /** The environment that picks the policy of `rotate-secret`. */
    environment: z.string().min(1).default('prod'),
  })
  .strict();

/** Spread into the `targets` object of the file schema. */
export const runbookTargetsShape = {
  tables: z.record(z.string(), tableTargetSchema).default({}),
  secrets: z.record(z.string(), secretTargetSchema).default({}),
};

export type TableTarget = z.infer<typeof tableTargetSchema>;
export type SecretTarget = z.infer<typeof secretTargetSchema>;
