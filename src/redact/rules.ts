/**
 * What the redaction pass removes before log text reaches Slack, an uploaded file or the audit
 * trail. Each rule is a regular expression and its replacement; replacements never match a rule
 * again, so redacting twice changes nothing.
 *
 * Every rule runs in time linear in the text (finding 1 of issue 16, a ReDoS), and
 * test/unit/redact-linear.test.ts keeps it so:
 * - a pattern starts only where a run of its characters starts (a lookbehind), so a long run is
 *   scanned once, not once per position;
 * - a secret's key name (`db_password=`, `"apiToken":`) is checked by a lookbehind in front of the
 *   value, which reads the name once; only the value is replaced, by a constant (V8 can build a
 *   `$1` replacement super-linearly when a line holds many matches);
 * - each value pattern is guarded by a one-character negative lookahead, so whitespace runs cost
 *   nothing (V8 runs a positive `(?=[…])` guard super-linearly on lines with many matches).
 */
export interface RedactionRule {
  name: string;
  pattern: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

/** Words that make a key name secret wherever they appear in it (`db_password`, `x-api-key`). */
const SECRET_WORDS = String.raw`(?:password|passwd|pwd|secret|token|api[_-]?key)`;

/** A whole key name, a run of `[\w.-]` that holds a secret word (inside a lookbehind). */
const SECRET_NAME = String.raw`(?<![\w.-])[\w.-]*${SECRET_WORDS}[\w.-]*`;

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
    pattern: /(?<![\w-])eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*/g,
    replace: '[REDACTED:jwt]',
  },
  {
    name: 'url-credentials',
    // postgres://user:pass@host → postgres://user:[REDACTED]@host (the password may hold `@`).
    pattern:
      /(?![\s/@])(?<=(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s/]+(?=@)/g,
    replace: '[REDACTED]',
  },
  {
    name: 'basic-auth',
    pattern:
      /(?![^A-Za-z0-9+/])(?<=\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?basic\s+)[A-Za-z0-9+/]+=*/gi,
    replace: '[REDACTED]',
  },
  {
    name: 'bearer-token',
    pattern: /(?![^A-Za-z0-9._~+/-])(?<=\b[Bb]earer\s+)[A-Za-z0-9._~+/-]{16,}=*/g,
    replace: '[REDACTED]',
  },
  {
    name: 'slack-token',
    pattern: /\b(?:xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9-]{6,}/g,
    replace: '[REDACTED:slack-token]',
  },
  {
    name: 'github-token',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{22,})/g,
    replace: '[REDACTED:github-token]',
  },
  {
    name: 'google-api-key',
    pattern: /\bAIza[\w-]{35}/g,
    replace: '[REDACTED:google-api-key]',
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
    // A string value, or a bare number (`"pin": 1234` under a secret name is a secret too).
    pattern: new RegExp(
      String.raw`(?![^"\d-])(?<="${SECRET_NAME}"\s*:\s*)(?:"(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*)`,
      'gi',
    ),
    replace: '"[REDACTED]"',
  },
  {
    name: 'key-value-secret',
    // `password=x`, `password: x`, `x-api-key: x`; a quote left open (a cut line) runs to the end.
    pattern: new RegExp(
      String.raw`(?![\s&,;])(?<=${SECRET_NAME}[ \t]*(?:=\s*|:[ \t]*))(?:"[^"]*(?:"|$)|'[^']*(?:'|$)|[^\s&,;"']+)`,
      'gi',
    ),
    replace: '[REDACTED]',
  },
  {
    name: 'aws-secret-key',
    pattern: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    replace: secretKeyLike,
  },
];
