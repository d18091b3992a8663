import { readFileSync } from 'node:fs';
import { commands } from '../../commands/index.ts';
import type { FileConfig } from '../config/file.ts';
import { parseFileConfig } from '../config/load.ts';
import type { AnyCommand, IamStatement } from '../sdk/command.ts';

export interface IamPolicy {
  Version: '2012-10-17';
  Statement: { Sid: string; Effect: 'Allow'; Action: string[]; Resource: string[] }[];
}

const sid = (command: string, index: number) =>
  `${command.replace(/(^|-)(\w)/g, (_, _dash, c: string) => c.toUpperCase())}${index + 1}`;

/**
 * The least-privilege policy for these commands and the configured targets: every command's
 * `permissions()`, one statement each. Notes say where a resource must be `*`.
 */
export function buildIamPolicy(
  registry: AnyCommand[],
  targets: FileConfig['targets'],
  region: string,
): { policy: IamPolicy; notes: string[] } {
  const statements: IamPolicy['Statement'] = [];
  const notes = new Set<string>();
  for (const command of registry) {
    const own: IamStatement[] = command.permissions?.(targets, region) ?? [];
    own.forEach((s, index) => {
      statements.push({
        Sid: sid(command.name, index),
        Effect: 'Allow',
        Action: [...new Set(s.actions)].sort(),
        Resource: [...new Set(s.resources)].sort(),
      });
      if (s.note) notes.add(`${command.name}: ${s.actions.join(', ')} on "*": ${s.note}`);
    });
  }
  return { policy: { Version: '2012-10-17', Statement: statements }, notes: [...notes] };
}

/** `opsbot iam-policy [config.yml]`: prints the policy JSON on stdout, notes on stderr. */
export async function printIamPolicy(argv: string[]): Promise<void> {
  const path = argv[0] ?? process.env.OPSBOT_CONFIG ?? 'opsbot.example.yml';
  const { file, problems } = parseFileConfig(readFileSync(path, 'utf8'), path);
  if (!file) {
    console.error(problems.join('\n'));
    process.exit(78);
  }
  const region = process.env.AWS_REGION || 'us-east-1';
  const { policy, notes } = buildIamPolicy(commands, file.targets, region);
  process.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
  for (const note of notes) console.error(`note: ${note}`);
  console.error(
    'note: the account id is `*` in every ARN; replace it with yours to narrow the policy further',
  );
}
