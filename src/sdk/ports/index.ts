import { PermanentError } from '../errors.ts';
import type { AccessKeysPort, IdentityPort } from './access-keys.ts';
import type { ActiveBlocksPort } from './active-blocks.ts';
import type { AdminApiPort } from './admin-api.ts';
import type { ContainmentLedgerPort } from './containment-ledger.ts';
import type { DeployHistoryPort } from './deploys.ts';
import type { EmailPort } from './email.ts';
import type { HttpPort } from './http.ts';
import type { ImagesPort } from './images.ts';
import type { IpBlocklistsPort } from './ip-blocklists.ts';
import type { LambdaPort } from './lambda.ts';
import type { LedgerPort } from './ledger.ts';
import type { LogsPort } from './logs.ts';
import type { MaintenancePort } from './maintenance.ts';
import type { RdsPort } from './rds.ts';
import type { RecordsPort } from './records.ts';
import type { RepoFilesPort } from './repo-files.ts';
import type { SecretsPort } from './secrets.ts';
import type { ServiceStatusPort } from './service-status.ts';
import type { ServicesPort } from './services.ts';
import type { TablesPort } from './tables.ts';
import type { TfLocksPort } from './tf-locks.ts';
import type { UserPoolsPort } from './user-pools.ts';

export type * from './access-keys.ts';
export type * from './active-blocks.ts';
export type * from './admin-api.ts';
export type * from './containment-ledger.ts';
export type * from './deploys.ts';
export type * from './email.ts';
export type * from './http.ts';
export type * from './images.ts';
export type * from './ip-blocklists.ts';
export type * from './lambda.ts';
export type * from './ledger.ts';
export type * from './logs.ts';
export type * from './maintenance.ts';
export type * from './rds.ts';
export type * from './records.ts';
export type * from './repo-files.ts';
export type * from './secrets.ts';
export type * from './service-status.ts';
export type * from './services.ts';
export type * from './tables.ts';
export type * from './tf-locks.ts';
export type * from './user-pools.ts';

/**
 * Ports: what commands may ask of the outside world, one file per port in this folder. `src/aws/`
 * implements them with the AWS SDK (`adapters.ts`), `src/dev/sandbox/` with stand-ins; tests may
 * implement them otherwise. Commands never see an SDK client.
 *
 * A new port: a file here, one line below (optional, `?`, unless every process must have it), an
 * entry in `src/aws/adapters.ts` and one in `src/dev/sandbox/index.ts`. Keep the lines sorted.
 */
export interface Ports {
  accessKeys?: AccessKeysPort;
  /** The addresses opsbot blocks now and their expiry (the bot's own, Redis and BullMQ). */
  blocks?: ActiveBlocksPort;
  /** Containment actions and their undo (the bot's own, Redis). */
  containment?: ContainmentLedgerPort;
  /** The app's own admin API (`POST /beak/admin`); absent where it is not reachable (sandbox). */
  adminApi?: AdminApiPort;
  deploys: DeployHistoryPort;
  /** E-mail (SES v2). */
  email?: EmailPort;
  http: HttpPort;
  /** ECR images and the image a service runs (deploy, rollback of a service). */
  images?: ImagesPort;
  identity?: IdentityPort;
  ipBlocklists?: IpBlocklistsPort;
  lambda: LambdaPort;
  /** The audit ledger (read side); absent when no `audit.table` is configured. */
  ledger?: LedgerPort;
  logs?: LogsPort;
  /** Maintenance windows (the bot's own, Redis and BullMQ); absent where not wired. */
  maintenance?: MaintenancePort;
  /** RDS instances and Aurora clusters (rds-status, rds-snapshot, deploy --safe). */
  rds?: RdsPort;
  records: RecordsPort;
  /** Files in Git repositories (GitHub contents API); absent where not reachable (sandbox). */
  repoFiles?: RepoFilesPort;
  secrets: SecretsPort;
  services: ServicesPort;
  /** App Runner / ECS status, read only (`service-status`). */
  serviceStatus?: ServiceStatusPort;
  tables: TablesPort;
  tfLocks?: TfLocksPort;
  userPools?: UserPoolsPort;
}

/** An optional port, or a permanent error naming it when this process has none. */
export function requirePort<K extends keyof Ports>(ports: Ports, name: K): NonNullable<Ports[K]> {
  const port = ports[name];
  if (!port) throw new PermanentError('port_unavailable', `the ${name} port is not available here`);
  return port as NonNullable<Ports[K]>;
}
