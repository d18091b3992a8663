import type { AuditEntry } from './entry.ts';

/** An export: one entry per line, as stored (hash included), in seq order. */
export function toJsonl(entries: AuditEntry[]): string {
  return entries.map((entry) => JSON.stringify(entry)).join('\n') + (entries.length ? '\n' : '');
}

export class JsonlProblem extends Error {}

/** Parses an export; a line that is not a JSON object is named by its line number. */
export function* parseJsonl(text: string): Generator<AuditEntry> {
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new JsonlProblem(`line ${index + 1}: not valid JSON`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new JsonlProblem(`line ${index + 1}: not an audit entry (expected a JSON object)`);
    }
    yield value as AuditEntry;
  }
}
