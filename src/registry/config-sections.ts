import type { z } from 'zod';
import type { AnyCommand } from '../sdk/command.ts';

/** The config sections commands own, merged from every command's `config`. */
export interface CommandSections {
  /** Sections under `targets:`, by name. */
  targets: Record<string, z.ZodType>;
  /** Top-level sections, by name. */
  settings: Record<string, z.ZodType>;
  /** Kinds of record a `targets.tables` entry may hold (`holds:`), with the commands that change them. */
  recordKinds: Map<string, string[]>;
}

/** Raised when two commands declare one section with different schemas, or take a core name. */
export class SectionConflict extends Error {}

/**
 * Every command's config sections in one place. Two commands may share a section only by sharing
 * its schema (the same object); a section may not take a name the core configuration uses.
 */
export function commandSections(
  commands: AnyCommand[],
  core: { targets: string[]; settings: string[] },
): CommandSections {
  const out: CommandSections = { targets: {}, settings: {}, recordKinds: new Map() };
  const owner = new Map<string, string>();
  const add = (where: 'targets' | 'settings', name: string, schema: z.ZodType, by: string) => {
    const key = where === 'targets' ? `targets.${name}` : name;
    if (core[where].includes(name))
      throw new SectionConflict(`${by} declares ${key}, which the core configuration owns`);
    const existing = Object.hasOwn(out[where], name) ? out[where][name] : undefined;
    if (existing && existing !== schema)
      throw new SectionConflict(
        `${key} is declared by both ${owner.get(key)} and ${by} with different schemas`,
      );
    out[where][name] = schema;
    owner.set(key, owner.get(key) ?? by);
  };
  for (const command of commands) {
    for (const [name, schema] of Object.entries(command.config?.targets ?? {}))
      add('targets', name, schema, command.name);
    for (const [name, schema] of Object.entries(command.config?.settings ?? {}))
      add('settings', name, schema, command.name);
    for (const kind of command.config?.recordKinds ?? [])
      out.recordKinds.set(kind, [...(out.recordKinds.get(kind) ?? []), command.name]);
  }
  return out;
}
