/**
 * Minimal redaction for audit entries: values under sensitive key names are replaced, and strings
 * are scanned for well-known secret shapes. TODO(merge): fold into `src/redact` (`redact(text)`),
 * which is being written on another branch, and keep only the key-name rule here.
 */
export const REDACTED = '[redacted]';

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

/** `token`, `client_secret`, `new_key`, `apiKey` are sensitive; `key_id` and `alias` are not. */
export function isSensitiveKey(name: string): boolean {
  const parts = words(name);
  if (parts.length === 0) return false;
  if (parts.at(-1) === 'key') return true;
  return parts.some((part) => SENSITIVE_WORDS.has(part)) || SENSITIVE_WORDS.has(parts.join(''));
}

const SECRET_PATTERNS: RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]{6,}/g, // Slack tokens
  /xapp-[A-Za-z0-9-]{6,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs
  /\b(?:sk|pk|rk|ak|dk)_(?:live|test)_[A-Za-z0-9]{8,}/g, // API keys in the sk_live_… style
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b((?:password|passwd|pwd|secret|token|api[_-]?key)\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi,
];

/** Replaces secret-shaped runs inside free text. */
export function redactText(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, lead?: unknown) =>
      typeof lead === 'string' && match.startsWith(lead) && lead.length < match.length
        ? `${lead}${REDACTED}`
        : REDACTED,
    );
  }
  return out;
}

/** A JSON-safe copy of `value` with sensitive keys and secret-shaped strings redacted. */
export function redactValue(value: unknown, key?: string): unknown {
  if (key !== undefined && isSensitiveKey(key) && value !== null && value !== undefined) {
    return REDACTED;
  }
  if (typeof value === 'string') return redactText(value);
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
