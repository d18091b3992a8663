import { readFileSync } from 'node:fs';
import { createLedgerTable, dynamoClient } from '../aws/ledger-table.ts';
import { parseFileConfig } from '../registry/load-config.ts';

const USAGE =
  'usage: opsbot setup [--table <name>] [--region <region>] [--endpoint <url>]\n' +
  '  creates the audit ledger table named by audit.table in OPSBOT_CONFIG (or --table)';

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index >= 0) return args[index + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

function configuredAudit() {
  const path = process.env.OPSBOT_CONFIG || 'opsbot.example.yml';
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const { file, problems } = parseFileConfig(text, path);
  if (!file) throw new Error(problems.join('; '));
  return file.audit;
}

/**
 * `opsbot setup`: creates the DynamoDB table of the audit ledger (on-demand, key chain + seq) and
 * waits until it is ACTIVE. Works against DynamoDB and against dynalite (`AWS_ENDPOINT_URL` or
 * `audit.endpoint`). Running it again is harmless.
 */
export async function runSetup(args: string[]): Promise<void> {
  if (args.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const audit = configuredAudit();
  const table = option(args, '--table') ?? audit?.table;
  if (!table) {
    console.error(`no audit table: set audit.table in the config file or pass --table\n${USAGE}`);
    process.exit(2);
  }
  const endpoint =
    option(args, '--endpoint') ?? audit?.endpoint ?? (process.env.AWS_ENDPOINT_URL || undefined);
  const region = option(args, '--region') ?? audit?.region ?? process.env.AWS_REGION;
  const client = dynamoClient({ table, region, endpoint });
  try {
    const outcome = await createLedgerTable(client, table);
    console.log(
      outcome === 'created'
        ? `created the audit ledger table ${table}${endpoint ? ` at ${endpoint}` : ''}`
        : `the audit ledger table ${table} already exists and is ACTIVE`,
    );
  } finally {
    client.destroy();
  }
}
