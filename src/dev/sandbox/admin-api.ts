import { randomBytes, randomUUID } from 'node:crypto';
import { recordActions } from '../../../commands/lib/record-actions.ts';
import type { FileConfig } from '../../config/file.ts';
import type { AdminApiAnswer, AdminApiPort, RecordsPort } from '../../sdk/ports/index.ts';

/**
 * SANDBOX admin API: Mission Control's `POST /beak/admin` as its runbook documents it, acting on the
 * local dynalite records as the app would, so `via: admin_api` can be clicked through in local
 * mode. `rotate_key` makes a key the bot never sees (only its hash is stored), `revoke_connection`
 * marks the connection REVOKED and takes the spaceduck off the duckling's bonded list,
 * `expire_cert` marks the cert EXPIRED. Each writes the app's audit event when
 * `record_actions.app_audit` names a table. A 200 `{"status":"ok","action":…,<id>}` means done; a
 * repeated `Idempotency-Key` gets the first answer again. No key is needed: nothing leaves the
 * machine.
 */

type Kind = 'ducklings' | 'connections' | 'certs';

const ACTIONS: Record<string, { kind: Kind; idField: string; event: string }> = {
  rotate_key: { kind: 'ducklings', idField: 'duckling_id', event: 'rotate_key' },
  revoke_connection: { kind: 'connections', idField: 'connection_id', event: 'revoke_connection' },
  expire_cert: { kind: 'certs', idField: 'cert_id', event: 'expire_cert' },
};

const json = (status: number, body: Record<string, unknown>): AdminApiAnswer => ({
  status,
  json: body,
  text: JSON.stringify(body),
});

export function sandboxAdminApi(file: FileConfig, records: RecordsPort): AdminApiPort {
  const replies = new Map<string, AdminApiAnswer>();
  const tableOf = (kind: Kind) => {
    const found = Object.entries(file.targets.tables).find(([, t]) => t.holds === kind);
    return found ? { table: found[0], key: found[1].key, region: found[1].region } : undefined;
  };
  const ref = (kind: Kind, id: string) => {
    const t = tableOf(kind);
    return t ? { table: t.table, key: { [t.key]: id }, region: t.region } : undefined;
  };

  async function auditEvent(action: keyof typeof ACTIONS, subject: string) {
    const cfg = recordActions(file.targets).app_audit;
    if (!cfg) return;
    await records.update({
      table: cfg.table,
      region: cfg.region,
      key: { [cfg.id_attribute]: `evt_${randomUUID().slice(0, 8)}` },
      set: {
        [cfg.subject_attribute]: subject,
        [cfg.event_attribute]: cfg.events[action as keyof typeof cfg.events],
        [cfg.time_attribute]: new Date().toISOString(),
      },
      condition: {},
    });
  }

  /** Takes the connection's spaceduck off its duckling's bonded list, as the app does. */
  async function unbond(connection: Record<string, unknown>) {
    const cfg = recordActions(file.targets);
    const duckling = ref('ducklings', String(connection.duckling_id ?? ''));
    const spaceduck = connection[cfg.spaceduck_attribute];
    if (!duckling || typeof spaceduck !== 'string') return;
    const record = await records.get(duckling);
    const bonded = record?.[cfg.bonded_attribute];
    if (!Array.isArray(bonded)) return;
    const index = bonded.indexOf(spaceduck);
    if (index < 0) return;
    await records.update({
      ...duckling,
      set: {},
      removeAt: { attribute: cfg.bonded_attribute, index, equals: spaceduck },
      condition: { exists: true },
    });
  }

  async function apply(body: Record<string, string>): Promise<AdminApiAnswer> {
    const action = ACTIONS[body.action ?? ''];
    if (!action) return json(400, { status: 'error', error: `unknown action ${body.action}` });
    const id = body[action.idField] ?? '';
    const where = ref(action.kind, id);
    const record = where ? await records.get(where) : undefined;
    if (!where || !record)
      return json(404, { status: 'error', error: `no such ${action.kind.slice(0, -1)} ${id}` });
    const now = new Date().toISOString();
    const set: Record<string, string> =
      body.action === 'rotate_key'
        ? {
            key_id: `key_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
            // The app keeps only the hash of the key it made; the key itself goes to the duckling.
            key_hash: randomBytes(32).toString('hex'),
            rotated_at: now,
          }
        : body.action === 'revoke_connection'
          ? { status: 'REVOKED', revoked_at: now, revoked_by: 'admin-api' }
          : { status: 'EXPIRED', expires_at: now };
    await records.update({ ...where, set, condition: { exists: true } });
    if (body.action === 'revoke_connection') await unbond(record);
    await auditEvent(action.event, id);
    return json(200, { status: 'ok', action: body.action, [action.idField]: id });
  }

  return {
    async post(_api, body, idempotencyKey) {
      const replay = replies.get(idempotencyKey);
      if (replay) return replay;
      const answer = await apply(body);
      if (answer.status === 200) replies.set(idempotencyKey, answer);
      return answer;
    },
  };
}
