import type { AuditConfig } from '../config/audit.ts';
import type { IamStatement } from '../sdk/command.ts';

/**
 * What the audit ledger itself asks of DynamoDB (src/aws/ledger-table.ts): the writer's conditional
 * PutItem per entry and its Query of the head, and the audit command's Query reads (list, verify,
 * export). Creating the table (`opsbot setup`) is an administrator's job, not the bot's.
 */
export function ledgerStatements(audit: AuditConfig | undefined, region: string): IamStatement[] {
  if (!audit) return [];
  return [
    {
      actions: ['dynamodb:PutItem', 'dynamodb:Query'],
      resources: [`arn:aws:dynamodb:${audit.region ?? region}:*:table/${audit.table}`],
    },
  ];
}

/** Said with the policy: what `opsbot setup` needs and why the bot does not. */
export const LEDGER_SETUP_NOTE =
  'audit ledger: `opsbot setup` needs dynamodb:CreateTable and dynamodb:DescribeTable on the ledger table; run it once with an administrator role (the bot does not need them)';
