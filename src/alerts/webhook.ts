import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { type Alert, BadAlert, severityFrom } from './alert.ts';

/** Headers of a signed generic webhook (the local console and any sender use exactly these). */
export const WEBHOOK_TIMESTAMP_HEADER = 'x-opsbot-request-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'x-opsbot-signature';
/** Deliveries older (or further in the future) than this are refused, against replays. */
export const WEBHOOK_MAX_AGE_SECONDS = 5 * 60;

/**
 * `v0=` + hex HMAC-SHA256(secret, `v0:${timestamp}:${body}`), over the body's bytes as sent: a
 * string body is signed as its UTF-8 bytes, raw bytes as they are.
 */
export function signWebhook(
  secret: string,
  body: string | Uint8Array,
  timestamp: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const mac = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex');
  const signature = `v0=${mac}`;
  return { [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp), [WEBHOOK_SIGNATURE_HEADER]: signature };
}

/**
 * Checks a signed delivery. Returns undefined when it is genuine, else what is wrong. Give the
 * body as the bytes received: decoding first would change bytes that are not UTF-8.
 */
export function verifyWebhook(
  secret: string,
  body: string | Uint8Array,
  headers: Record<string, string | string[] | undefined>,
  now: number = Date.now(),
): string | undefined {
  const timestamp = String(headers[WEBHOOK_TIMESTAMP_HEADER] ?? '');
  const signature = String(headers[WEBHOOK_SIGNATURE_HEADER] ?? '');
  if (!/^\d{1,12}$/.test(timestamp)) return `missing or malformed ${WEBHOOK_TIMESTAMP_HEADER}`;
  if (Math.abs(now / 1000 - Number(timestamp)) > WEBHOOK_MAX_AGE_SECONDS)
    return 'timestamp is more than 5 minutes away from now';
  const expected = Buffer.from(
    signWebhook(secret, body, Number(timestamp))[WEBHOOK_SIGNATURE_HEADER]!,
  );
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return `${WEBHOOK_SIGNATURE_HEADER} does not match`;
  return undefined;
}

const STARTED_AT_FORMAT =
  'an ISO 8601 timestamp with a time zone, such as 2026-03-01T10:00:00Z, after 1970';

const webhookSchema = z
  .object({
    source: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/i, 'a short name such as "uptime"'),
    key: z.string().min(1).max(256),
    status: z.enum(['firing', 'resolved']),
    severity: z.string().optional(),
    summary: z.string().min(1).max(500),
    details: z
      .union([
        z.string().max(3000),
        z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
      ])
      .optional(),
    links: z
      .array(z.object({ label: z.string().min(1).max(75).optional(), url: z.url() }))
      .max(10)
      .optional(),
    /** Labels runbook mappings match on and runbook templates read (`{{labels.source_ip}}`). */
    labels: z
      .record(
        z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/i, 'a label name such as source_ip'),
        z.string().max(256),
      )
      .optional(),
    /**
     * When the firing began, on the firing and on its recovery alike: a recovery of a firing that
     * began before the one its incident holds resolves nothing (Alertmanager's `startsAt`).
     */
    started_at: z.iso
      .datetime({ offset: true, message: STARTED_AT_FORMAT })
      .refine((value) => Date.parse(value) > 0, STARTED_AT_FORMAT)
      .optional(),
  })
  .strict();

export type GenericAlert = z.infer<typeof webhookSchema>;

/** Parses the generic JSON webhook. */
export function parseGenericWebhook(body: unknown): Alert {
  const parsed = webhookSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadAlert(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const hook = parsed.data;
  const details = hook.details;
  return {
    source: hook.source,
    key: `webhook:${hook.source}:${hook.key}`,
    status: hook.status,
    severity: severityFrom(hook.severity, 'warning'),
    title: hook.summary,
    ...(typeof details === 'string' ? { reason: details } : {}),
    ...(details && typeof details === 'object'
      ? { facts: Object.entries(details).map(([k, v]): [string, string] => [k, String(v)]) }
      : {}),
    stateChange: hook.status === 'firing' ? 'ok → firing' : 'firing → resolved',
    labels: { ...hook.labels, source: hook.source, key: hook.key },
    links: (hook.links ?? []).map((l) => ({ label: l.label ?? 'Link', url: l.url })),
    ...(hook.started_at === undefined ? {} : { firingStartedAt: Date.parse(hook.started_at) }),
  };
}
