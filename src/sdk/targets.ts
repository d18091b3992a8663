import { z } from 'zod';

/** Meta key that marks an argument as the name of a configured target (used for checks and selects). */
export const TARGET_META = 'opsbotTarget';

/** A string argument that must name a target of this kind in the config file (`targets.<kind>`). */
export function targetName(kind: string, description: string) {
  return z
    .string()
    .min(1, `a ${kind} target name`)
    .describe(description)
    .meta({ [TARGET_META]: kind });
}
