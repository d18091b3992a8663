import { redact } from '../redact/index.ts';

/**
 * Redaction for audit entries: values under sensitive key names are replaced whole, and every
 * other string goes through the bot's one text redaction (`src/redact`, the same rules as logs).
 */
export const REDACTED = '[REDACTED]';

/** Words that make a key name sensitive wherever they appear in it. */
const SENSITIVE_WORDS = new Set([
  'secret',
  'password',
  'passwd',
  'pwd',
  'token',
  'credential',
  'credentials',
  'authorization',
  'cookie',
  'apikey',
  'privatekey',
  'passphrase',
]);

/** Splits `newApiKey`, `new_api_key`, `new-api-key` into lower-case words. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Key names already judged: audit entries use a small set of names (`action`, `request_id`, a
 * command's argument names), and each entry's every key was split with two regular expressions.
 * Bounded, so names that never repeat cannot grow it without end.
 */
const judged = new Map<string, boolean>();
const JUDGED_MAX = 1000;

/** `token`, `client_secret`, `new_key`, `apiKey` are sensitive; `key_id` and `alias` are not. */
export function isSensitiveKey(name: string): boolean {
  const known = judged.get(name);
  if (known !== undefined) return known;
  const sensitive = judge(name);
  if (judged.size < JUDGED_MAX) judged.set(name, sensitive);
  return sensitive;
}

function judge(name: string): boolean {
  const parts = words(name);
  if (parts.length === 0) return false;
  if (parts.at(-1) === 'key') return true;
  return parts.some((part) => SENSITIVE_WORDS.has(part)) || SENSITIVE_WORDS.has(parts.join(''));
}

/** A JSON-safe copy of `value` with sensitive keys and secret-shaped strings redacted. */
export function redactValue(value: unknown, key?: string): unknown {
  if (key !== undefined && isSensitiveKey(key) && value !== null && value !== undefined) {
    return REDACTED;
  }
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item));
  if (value && typeof value === 'object') {
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === 'function') continue;
      out[k] = redactValue(v, k);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

export function redactRecord(
  record: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  return record === undefined ? undefined : (redactValue(record) as Record<string, unknown>);
}
