/**
 * `record[key]` only when `key` is the record's own entry: never `constructor`, `toString` or
 * `__proto__` from Object.prototype. Every name a user types is looked up in config this way
 * (finding 5 of issue 16).
 */
export function own<T>(
  record: Readonly<Record<string, T>> | undefined,
  key: string,
): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
