import { readFileSync } from 'node:fs';
import { LEDGER_SETUP_NOTE, ledgerStatements } from '../audit/iam.ts';
import type { AuditConfig } from '../config/audit.ts';
import type { FileConfig } from '../config/file.ts';
import { commands } from '../registry/commands.ts';
import { parseFileConfig } from '../registry/load-config.ts';
import { inPartition } from '../sdk/arn.ts';
import type { AnyCommand, IamStatement } from '../sdk/command.ts';

export interface IamPolicy {
  Version: '2012-10-17';
  Statement: { Sid: string; Effect: 'Allow'; Action: string[]; Resource: string[] }[];
}

const sid = (command: string, index: number) =>
  `${command.replace(/(^|-)(\w)/g, (_, _dash, c: string) => c.toUpperCase())}${index + 1}`;

/** Every text in the config that is an ARN already (`service_arn`, `pass_roles`, …). */
function configArns(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string' && value.startsWith('arn:')) found.add(value);
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) configArns(v, found);
  return found;
}

/**
 * The least-privilege policy for these commands and the configured targets: every command's
 * `permissions()`, one statement each (a statement another command already has is left out),
 * then the audit ledger's own calls when `audit.table` is configured. Notes say where a resource
 * must be `*`. Commands write the ARNs they build as `arn:aws:…`; each is put in the partition of
 * its region here (`arn:aws-cn:…` in cn-*), while an ARN the config gave keeps its own.
 */
export function buildIamPolicy(
  registry: AnyCommand[],
  targets: FileConfig['targets'],
  region: string,
  audit?: AuditConfig,
): { policy: IamPolicy; notes: string[] } {
  const statements: IamPolicy['Statement'] = [];
  const seen = new Set<string>();
  const notes = new Set<string>();
  const given = configArns(targets);
  const place = (resource: string) =>
    given.has(resource) ? resource : inPartition(resource, region);
  const add = (owner: string, own: IamStatement[]) => {
    own.forEach((s, index) => {
      const Action = [...new Set(s.actions)].sort();
      const Resource = [...new Set(s.resources.map(place))].sort();
      const key = JSON.stringify([Action, Resource]);
      if (!seen.has(key))
        statements.push({ Sid: sid(owner, index), Effect: 'Allow', Action, Resource });
      seen.add(key);
      if (s.note) notes.add(`${owner}: ${s.actions.join(', ')} on "*": ${s.note}`);
    });
  };
  for (const command of registry) add(command.name, command.permissions?.(targets, region) ?? []);
  add('audit-ledger', ledgerStatements(audit, region));
  if (audit) notes.add(LEDGER_SETUP_NOTE);
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
  const { policy, notes } = buildIamPolicy(commands, file.targets, region, file.audit);
  process.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
  for (const note of notes) console.error(`note: ${note}`);
  console.error(
    'note: the account id is `*` in every ARN; replace it with yours to narrow the policy further',
  );
}
