import { randomBytes, randomUUID } from 'node:crypto';
import type { Dynalite } from './dynalite.ts';
import { type Answer, jsonEndpoint, type ReceivedRequest } from './json-endpoint.ts';

/**
 * Mission Control's admin API as its runbook documents it: `POST /beak/admin` with
 * `{"action":"rotate_key","duckling_id":"…"}` (or revoke_connection / expire_cert), the admin key
 * in `Authorization: Bearer <key>`; a 200 `{"status":"ok","action":…,<id>}` means done. It changes
 * the records on dynalite as the app would, writes the app's audit event into `spaceduck-audit`
 * (index on `subject_id`), and replays the first answer for a repeated `Idempotency-Key`.
 */
export interface AppOptions {
  /** The admin key the app accepts now. */
  acceptedKey: string;
  /** When the audit event is written: at once, after a delay, or never. */
  audit?: 'at-once' | { delayMs: number } | 'never';
  /** The next answer: apply and answer ok, answer non-ok, or apply and never answer (timeout). */
  next?: 'ok' | 'refuse' | 'apply-then-hang';
  /** Called for a request whose key is refused, before the 401 goes out. */
  onUnauthorized?: () => void;
}

export const AUDIT_TABLE = 'spaceduck-audit';
export const AUDIT_INDEX = 'subject_id-index';

export async function startMissionControlApp(db: Dynalite, options: AppOptions) {
  const replies = new Map<string, Answer>();
  /** Keys the app generated (rotate_key): the bot must never see them. */
  const generatedKeys: string[] = [];
  const posts: ReceivedRequest[] = [];

  async function auditEvent(event: string, subject: string) {
    const write = () =>
      db.put(AUDIT_TABLE, {
        event_id: `evt_${randomUUID().slice(0, 8)}`,
        subject_id: subject,
        event,
        ts: new Date().toISOString(),
      });
    const when = options.audit ?? 'at-once';
    if (when === 'never') return;
    if (when === 'at-once') await write();
    else setTimeout(() => void write(), when.delayMs);
  }

  async function apply(body: Record<string, string>): Promise<Answer> {
    const now = new Date().toISOString();
    if (body.action === 'rotate_key') {
      const id = body.duckling_id ?? '';
      const record = await db.get('spaceduck-ducklings', { duckling_id: id });
      if (!record) return { status: 404, json: { status: 'error', error: 'no such duckling' } };
      const key = randomBytes(32).toString('base64url');
      generatedKeys.push(key);
      await db.put('spaceduck-ducklings', {
        ...record,
        key_id: `key_${randomUUID().slice(0, 12)}`,
        key_hash: `sha256:${key.length}`,
        rotated_at: now,
      });
      await auditEvent('duck.key_rotated', id);
      return { status: 200, json: { status: 'ok', action: 'rotate_key', duckling_id: id } };
    }
    if (body.action === 'revoke_connection') {
      const id = body.connection_id ?? '';
      const record = await db.get('spaceduck-connections', { connection_id: id });
      if (!record) return { status: 404, json: { status: 'error', error: 'no such connection' } };
      await db.put('spaceduck-connections', { ...record, status: 'REVOKED', revoked_at: now });
      const duckling = await db.get('spaceduck-ducklings', {
        duckling_id: String(record.duckling_id),
      });
      if (duckling && Array.isArray(duckling.bonded)) {
        await db.put('spaceduck-ducklings', {
          ...duckling,
          bonded: duckling.bonded.filter((s: unknown) => s !== record.spaceduck_id),
        });
      }
      await auditEvent('duck.connection_revoked', id);
      return {
        status: 200,
        json: { status: 'ok', action: 'revoke_connection', connection_id: id },
      };
    }
    if (body.action === 'expire_cert') {
      const id = body.cert_id ?? '';
      const record = await db.get('spaceduck-certs', { cert_id: id });
      if (!record) return { status: 404, json: { status: 'error', error: 'no such cert' } };
      await db.put('spaceduck-certs', { ...record, status: 'EXPIRED', expires_at: now });
      await auditEvent('duck.cert_expired', id);
      return { status: 200, json: { status: 'ok', action: 'expire_cert', cert_id: id } };
    }
    return { status: 400, json: { status: 'error', error: `unknown action ${body.action}` } };
  }

  const endpoint = await jsonEndpoint(async (req) => {
    if (req.method !== 'POST' || req.path !== '/beak/admin') return { status: 404, json: {} };
    posts.push(req);
    if (req.headers.authorization !== `Bearer ${options.acceptedKey}`) {
      options.onUnauthorized?.();
      return { status: 401, json: { status: 'error', error: 'unauthorized' } };
    }
    const idempotencyKey = String(req.headers['idempotency-key'] ?? '');
    const replay = replies.get(idempotencyKey);
    if (replay) return replay;
    const body = JSON.parse(req.body) as Record<string, string>;
    const next = options.next ?? 'ok';
    options.next = 'ok';
    if (next === 'refuse') {
      return {
        status: 409,
        json: {
          status: 'error',
          error: 'duckling locked',
          api_key: 'sk_live_shouldneverbeshown1234',
        },
      };
    }
    const answer = await apply(body);
    if (idempotencyKey) replies.set(idempotencyKey, answer);
    return next === 'apply-then-hang' ? 'hang' : answer;
  });

  return {
    url: `${endpoint.url}/beak/admin`,
    posts,
    generatedKeys,
    options,
    close: endpoint.close,
  };
}
