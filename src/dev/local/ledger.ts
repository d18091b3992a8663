import { createLedgerTable, dynamoClient } from '../../aws/ledger-table.ts';
import type { Config } from '../../config/load.ts';

/** The ledger table local mode creates in dynalite when the config names none. */
export const LOCAL_LEDGER_TABLE = 'opsbot-audit';

/**
 * Local mode on the sandbox keeps a real hash-chained audit ledger in the local dynalite, so
 * `/ops audit` works: the config's `audit` section (or a new one) is pointed at dynalite and its
 * table created. Only a section that names its own `endpoint` (DynamoDB Local, LocalStack) is left
 * as it is, so the sandbox never writes a real AWS table with credentials it found in the shell.
 */
export async function withLocalLedger(
  config: Config,
  endpoint: string,
): Promise<{ config: Config; describe?: string }> {
  if (config.file.audit?.endpoint) return { config };
  const audit = {
    ...config.file.audit,
    table: config.file.audit?.table ?? LOCAL_LEDGER_TABLE,
    endpoint,
    region: config.env.AWS_REGION,
  };
  const client = dynamoClient(audit);
  try {
    await createLedgerTable(client, audit.table, 10_000);
  } finally {
    client.destroy();
  }
  return {
    config: { ...config, file: { ...config.file, audit } },
    describe: `SANDBOX: the real hash-chained ledger, table ${audit.table} in the local dynalite`,
  };
}
