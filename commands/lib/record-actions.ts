import { configSection, type FileConfig, z } from '../../src/sdk/index.ts';

/**
 * `targets.record_actions`: how rotate-key, revoke-connection and expire-cert act (Mission Control
 * playbooks 2, 3 and 5), a section the three commands own together (they share this schema).
 */

/**
 * The app's admin API (Mission Control `POST /beak/admin`). Its key is read from Secrets Manager
 * at run time (never from this file, never written to disk).
 */
const adminApiSchema = z
  .object({
    /** The full URL of the admin endpoint, e.g. `https://mission-control.example.com/beak/admin`. */
    url: z.url(),
    /** Secrets Manager secret id (name or ARN) holding the admin key. */
    key_secret: z.string().min(1),
    /** The header that carries the key. */
    header: z.string().min(1).default('Authorization'),
    /** Put before the key in the header (`Bearer <key>`); empty for the bare key. */
    scheme: z.string().default('Bearer'),
    /** Region of the secret. */
    region: z.string().optional(),
    /** How long one POST may take before the run retries (after checking the record). */
    timeout_ms: z.number().int().min(100).max(60_000).default(5_000),
  })
  .strict();

/** Where the app writes its own audit events (`duck.key_rotated`), for the verification step. */
const appAuditSchema = z
  .object({
    table: z.string().min(3),
    region: z.string().optional(),
    /** A global secondary index whose partition key is the subject's id (duckling, cert, connection). */
    index: z.string().min(1),
    /** The index's partition key attribute. */
    subject_attribute: z.string().min(1).default('subject_id'),
    /** The attribute holding the event name (`duck.key_rotated`). */
    event_attribute: z.string().min(1).default('event'),
    /** The attribute holding the event's time (ISO 8601 or epoch milliseconds). */
    time_attribute: z.string().min(1).default('ts'),
    /** The attribute holding the event's id. */
    id_attribute: z.string().min(1).default('event_id'),
    /** How long to wait for the event after the action. */
    wait_seconds: z.number().int().min(0).max(600).default(60),
    /** The event the app writes for each action. */
    events: z
      .object({
        rotate_key: z.string().min(1).default('duck.key_rotated'),
        revoke_connection: z.string().min(1).default('duck.connection_revoked'),
        expire_cert: z.string().min(1).default('duck.cert_expired'),
      })
      .strict()
      .prefault({}),
    poll_ms: z.number().int().min(10).max(30_000).default(2_000),
  })
  .strict();

/** E-mail to the duckling after an operator-initiated rotation, revocation or expiry (SES v2). */
const notifySchema = z
  .object({
    via: z.literal('ses'),
    /** A verified SES identity. */
    from: z.string().min(3),
    /** Prefix of the SES templates: `<template>-key-rotated`, `-connection-revoked`, `-cert-expired`. */
    template: z.string().min(1),
    region: z.string().optional(),
    /** The duckling record's attribute holding the registered e-mail address. */
    email_attribute: z.string().min(1).default('email'),
  })
  .strict();

/**
 * How rotate-key, revoke-connection and expire-cert act (Mission Control playbooks 2, 3 and 5):
 * `dynamodb` writes the records directly; `admin_api` asks the app's admin API, so the app's own
 * logic and audit events run.
 */
export const recordActionsSchema = z
  .object({
    via: z.enum(['dynamodb', 'admin_api']).default('dynamodb'),
    admin_api: adminApiSchema.optional(),
    app_audit: appAuditSchema.optional(),
    notify: notifySchema.optional(),
    /** revoke-connection `spaceduck=<id>`: the connections table's index keyed on the spaceduck id. */
    spaceduck_index: z.string().min(1).optional(),
    /** The connection attribute holding the spaceduck id (and the index's partition key). */
    spaceduck_attribute: z.string().min(1).default('spaceduck_id'),
    /** The duckling attribute listing its bonded spaceduck ids (a list of strings). */
    bonded_attribute: z.string().min(1).default('bonded'),
  })
  .strict()
  .refine((r) => r.via !== 'admin_api' || r.admin_api !== undefined, {
    message: 'via: admin_api needs an admin_api section (url, key_secret)',
    path: ['admin_api'],
  })
  .prefault({});

export type RecordActions = z.output<typeof recordActionsSchema>;

/** The section as configured (its defaults when absent). */
export const recordActions = (targets: FileConfig['targets']): RecordActions =>
  configSection(targets, 'record_actions', recordActionsSchema);
