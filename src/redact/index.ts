import { REDACTION_RULES } from './rules.ts';

export { REDACTION_RULES, type RedactionRule } from './rules.ts';

/** Removes secrets from text (pure). Redacting already redacted text changes nothing. */
export function redact(text: string): string {
  let out = text;
  for (const rule of REDACTION_RULES) {
    rule.pattern.lastIndex = 0;
    const { pattern, replace } = rule;
    out =
      typeof replace === 'string' ? out.replace(pattern, replace) : out.replace(pattern, replace);
  }
  return out;
}
