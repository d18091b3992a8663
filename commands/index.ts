import type { AnyCommand } from '../src/sdk/index.ts';
import audit from './audit.ts';
import expireCert from './expire-cert.ts';
import health from './health.ts';
import incidents from './incidents.ts';
import logs from './logs.ts';
import note from './note.ts';
import ping from './ping.ts';
import promote from './promote.ts';
import restart from './restart.ts';
import revokeConnection from './revoke-connection.ts';
import rollback from './rollback.ts';
import rotateKey from './rotate-key.ts';
import rotateSecret from './rotate-secret.ts';
import runbook from './runbook.ts';
import tableHealth from './table-health.ts';

/** The registry: every command the bot knows. Adding a runbook means adding a file and a line here. */
export const commands: AnyCommand[] = [
  promote,
  rollback,
  restart,
  health,
  tableHealth,
  rotateKey,
  revokeConnection,
  expireCert,
  rotateSecret,
  logs,
  audit,
  note,
  incidents,
  ping,
  runbook,
];
