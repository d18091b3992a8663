import { createLedgerTable, dynamoClient } from '../../aws/ledger-table.ts';
import type { Config } from '../../config/load.ts';

/** The ledger table local mode creates in dynalite when the config names none. */
export const LOCAL_LEDGER_TABLE = 'opsbot-audit';

/**
 * Local mode keeps a real hash-chained audit ledger in the local dynalite, so `/ops audit` works:
 * when the config has no `audit` section, one pointing at dynalite is added and its table created.
 * A configured `audit` section is left as it is.
 */
export async function withLocalLedger(
  config: Config,
  endpoint: string,
): Promise<{ config: Config; describe?: string }> {
  if (config.file.audit) return { config };
  const audit = { table: LOCAL_LEDGER_TABLE, endpoint, region: config.env.AWS_REGION };
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
