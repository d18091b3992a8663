import {
  type AdminApiAnswer,
  type FileConfig,
  PermanentError,
  redact,
  type StepContext,
} from '../../src/sdk/index.ts';
import { recordActions } from '../lib/record-actions.ts';

/**
 * The app's admin API (Mission Control `POST /beak/admin`, playbooks 2, 3 and 5), used when
 * `targets.record_actions.via` is `admin_api`. The body is the documented one
 * (`{"action":"rotate_key","duckling_id":"…"}`); a 200 with `{"status":"ok","action":…,<id>}`
 * echoing the action and id means done; anything else fails the run with the status and a
 * redacted body. The request id goes in `Idempotency-Key`. A retried run (after a timeout) first
 * reads the record, read-only, and posts again only when the action has not taken effect.
 */

export type AdminAction = 'rotate_key' | 'revoke_connection' | 'expire_cert';

export interface AdminCall {
  action: AdminAction;
  /** The id field of the body and the answer: `duckling_id`, `connection_id`, `cert_id`. */
  idField: string;
  id: string;
  /** Read-only: whether the record already shows the action done. */
  alreadyDone(): Promise<boolean>;
}

const POSTED = 'admin-api-posted';

export const viaAdminApi = (targets: FileConfig['targets']) =>
  recordActions(targets).via === 'admin_api';

/** The admin API section (validated present with `via: admin_api`). */
export function adminApiConfig(targets: FileConfig['targets']) {
  const api = recordActions(targets).admin_api;
  if (!api) {
    throw new PermanentError(
      'not_configured',
      'recordActions(targets).via is admin_api but recordActions(targets).admin_api is missing',
    );
  }
  return api;
}

/** Body fields whose values must never be shown, whatever the app sends back. */
const SENSITIVE_FIELD = /key|secret|token|password|credential/i;

function hideSensitive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hideSensitive);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        SENSITIVE_FIELD.test(k) && !k.endsWith('_id') ? '[REDACTED]' : hideSensitive(v),
      ]),
    );
  }
  return value;
}

/** The answer's body for a message: sensitive fields blanked, the redaction pass, 300 characters. */
export function redactedBody(answer: AdminApiAnswer): string {
  const text = answer.json !== undefined ? JSON.stringify(hideSensitive(answer.json)) : answer.text;
  const out = redact(text);
  return out.length > 300 ? `${out.slice(0, 300)}…` : out || '(empty body)';
}

function accepted(answer: AdminApiAnswer, call: AdminCall) {
  const body = answer.json as Record<string, unknown> | undefined;
  return (
    answer.status === 200 &&
    body?.status === 'ok' &&
    body.action === call.action &&
    body[call.idField] === call.id
  );
}

/** Asks the admin API for the action once per request; returns whether it had already happened. */
export async function postAdminAction(
  ctx: Pick<StepContext<unknown>, 'targets' | 'ports' | 'state' | 'request' | 'progress'>,
  call: AdminCall,
): Promise<{ already: boolean; status?: number; postedAt?: number }> {
  const api = adminApiConfig(ctx.targets);
  const port = ctx.ports.adminApi;
  if (!port) {
    throw new PermanentError(
      'admin_api_unavailable',
      'the admin API cannot be reached from here (this process has no adminApi port)',
    );
  }
  const posted = await ctx.state.load<{ at: number }>(POSTED);
  if (posted && (await call.alreadyDone())) {
    ctx.progress(
      `the ${call.action} sent at ${new Date(posted.at).toISOString()} took effect; not sent again`,
    );
    return { already: true, postedAt: posted.at };
  }
  const postedAt = posted?.at ?? Date.now();
  await ctx.state.save(POSTED, { at: postedAt });
  const answer = await port.post(
    {
      url: api.url,
      keySecret: api.key_secret,
      header: api.header,
      scheme: api.scheme,
      region: api.region,
      timeoutMs: api.timeout_ms,
    },
    { action: call.action, [call.idField]: call.id },
    ctx.request.id,
  );
  if (!accepted(answer, call)) {
    throw new PermanentError(
      answer.status === 401 ? 'admin_api_unauthorized' : 'admin_api_refused',
      `POST ${new URL(api.url).pathname} ${call.action} for ${call.id} answered ${answer.status}${answer.status === 401 ? ' (after reading the key again)' : ''}, not {"status":"ok","action":"${call.action}","${call.idField}":"${call.id}"}: ${redactedBody(answer)}`,
    );
  }
  return { already: false, status: answer.status, postedAt };
}

/** IAM for the admin key: GetSecretValue on that one secret. */
export function adminApiStatements(targets: FileConfig['targets'], region: string) {
  const api = recordActions(targets).admin_api;
  if (!viaAdminApi(targets) || !api) return [];
  const arn = api.key_secret.startsWith('arn:')
    ? api.key_secret
    : `arn:aws:secretsmanager:${api.region ?? region}:*:secret:${api.key_secret}-??????`;
  return [{ actions: ['secretsmanager:GetSecretValue'], resources: [arn] }];
}
