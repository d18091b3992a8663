import { REDACTION_RULES, type RedactionRule } from './rules.ts';

export { REDACTION_RULES, type RedactionRule } from './rules.ts';

/** One rule applied to text (pure). */
export function applyRule(rule: RedactionRule, text: string): string {
  rule.pattern.lastIndex = 0;
  const { pattern, replace } = rule;
  return typeof replace === 'string'
    ? text.replace(pattern, replace)
    : text.replace(pattern, replace);
}

/** Removes secrets from text (pure). Redacting already redacted text changes nothing. */
export function redact(text: string): string {
  let out = text;
  for (const rule of REDACTION_RULES) out = applyRule(rule, out);
  return out;
}
