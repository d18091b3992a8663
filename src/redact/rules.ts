/**
 * What the redaction pass removes before log text reaches Slack, an uploaded file or the audit
 * trail. Each rule is a regular expression and its replacement; replacements never match a rule
 * again, so redacting twice changes nothing.
 */
export interface RedactionRule {
  name: string;
  pattern: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

const SECRET_KEY_NAMES = String.raw`[\w.-]*?(?:password|passwd|pwd|secret|token|api[_-]?key)[\w.-]*`;

/** Looks like a 40-character AWS secret access key: base64 alphabet with upper, lower and a digit. */
function secretKeyLike(match: string): string {
  return /[A-Z]/.test(match) && /[a-z]/.test(match) && /\d/.test(match)
    ? '[REDACTED:aws-secret-key]'
    : match;
}

/** In order: multi-line and structured secrets first, so a later rule never sees half of one. */
export const REDACTION_RULES: readonly RedactionRule[] = [
  {
    name: 'pem-private-key',
    // An unterminated key (a log line cut short) is removed up to the end of the text.
    pattern:
      /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
    replace: '[REDACTED:private-key]',
  },
  {
    name: 'jwt',
    pattern: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
    replace: '[REDACTED:jwt]',
  },
  {
    name: 'bearer-token',
    pattern: /\b([Bb]earer)\s+[A-Za-z0-9._~+/-]{16,}=*/g,
    replace: '$1 [REDACTED]',
  },
  {
    name: 'slack-token',
    pattern: /\b(?:xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9-]{6,}/g,
    replace: '[REDACTED:slack-token]',
  },
  {
    name: 'aws-access-key-id',
    pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}\b/g,
    replace: '[REDACTED:aws-access-key-id]',
  },
  {
    name: 'prefixed-api-key',
    // Keys in the sk_live_… style (Stripe and others), and the ducklings' dk_live_… keys.
    pattern: /\b(?:sk|pk|rk|ak|dk)_(?:live|test)_[A-Za-z0-9]{8,}/g,
    replace: '[REDACTED:api-key]',
  },
  {
    name: 'json-secret-value',
    pattern: new RegExp(`("${SECRET_KEY_NAMES}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'),
    replace: '$1"[REDACTED]"',
  },
  {
    name: 'key-value-secret',
    pattern: new RegExp(`(\\b${SECRET_KEY_NAMES}\\s*=\\s*)(?:"[^"]*"|'[^']*'|[^\\s&,;"']+)`, 'gi'),
    replace: '$1[REDACTED]',
  },
  {
    name: 'aws-secret-key',
    pattern: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    replace: secretKeyLike,
  },
];
