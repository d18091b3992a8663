import type { z } from 'zod';
import type { FileConfig } from '../config/file.ts';

/**
 * A `targets` section a command owns (declared in its `config.targets`), as its schema made it:
 * the configuration validated it at load. Absent (a hand-built config in a test): the schema's
 * default.
 */
export function configSection<S extends z.ZodType>(
  targets: FileConfig['targets'],
  name: string,
  schema: S,
): z.output<S> {
  const value: unknown = Object.hasOwn(targets, name)
    ? (targets as Record<string, unknown>)[name]
    : undefined;
  return value === undefined ? schema.parse(undefined) : (value as z.output<S>);
}
