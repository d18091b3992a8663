import { PermanentError } from '../errors.ts';
import type { DeployHistoryPort } from './deploys.ts';
import type { HttpPort } from './http.ts';
import type { LambdaPort } from './lambda.ts';
import type { LedgerPort } from './ledger.ts';
import type { LogsPort } from './logs.ts';
import type { RecordsPort } from './records.ts';
import type { SecretsPort } from './secrets.ts';
import type { ServicesPort } from './services.ts';
import type { TablesPort } from './tables.ts';

export type * from './deploys.ts';
export type * from './http.ts';
export type * from './lambda.ts';
export type * from './ledger.ts';
export type * from './logs.ts';
export type * from './records.ts';
export type * from './secrets.ts';
export type * from './services.ts';
export type * from './tables.ts';

/**
 * Ports: what commands may ask of the outside world, one file per port in this folder. `src/aws/`
 * implements them with the AWS SDK (`adapters.ts`), `src/dev/sandbox/` with stand-ins; tests may
 * implement them otherwise. Commands never see an SDK client.
 *
 * A new port: a file here, one line below (optional, `?`, unless every process must have it), an
 * entry in `src/aws/adapters.ts` and one in `src/dev/sandbox/index.ts`. Keep the lines sorted.
 */
export interface Ports {
  deploys: DeployHistoryPort;
  http: HttpPort;
  lambda: LambdaPort;
  /** The audit ledger (read side); absent when no `audit.table` is configured. */
  ledger?: LedgerPort;
  logs?: LogsPort;
  records: RecordsPort;
  secrets: SecretsPort;
  services: ServicesPort;
  tables: TablesPort;
}

/** An optional port, or a permanent error naming it when this process has none. */
export function requirePort<K extends keyof Ports>(ports: Ports, name: K): NonNullable<Ports[K]> {
  const port = ports[name];
  if (!port) throw new PermanentError('port_unavailable', `the ${name} port is not available here`);
  return port as NonNullable<Ports[K]>;
}
