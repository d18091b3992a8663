import type { AnyCommand } from '../src/sdk/index.ts';
import audit from './audit.ts';
import blockIp from './block-ip.ts';
import blocks from './blocks.ts';
import disableAccessKey from './disable-access-key.ts';
import enableAccessKey from './enable-access-key.ts';
import enableUser from './enable-user.ts';
import expireCert from './expire-cert.ts';
import health from './health.ts';
import incidents from './incidents.ts';
import logs from './logs.ts';
import note from './note.ts';
import ping from './ping.ts';
import promote from './promote.ts';
import reactivateDuckling from './reactivate-duckling.ts';
import restart from './restart.ts';
import revokeConnection from './revoke-connection.ts';
import rollback from './rollback.ts';
import rotateKey from './rotate-key.ts';
import rotateSecret from './rotate-secret.ts';
import signoutUser from './signout-user.ts';
import suspendDuckling from './suspend-duckling.ts';
import tableHealth from './table-health.ts';
import tfLock from './tf-lock.ts';
import unblockIp from './unblock-ip.ts';

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
  // Containment (issue 19)
  disableAccessKey,
  enableAccessKey,
  blockIp,
  unblockIp,
  blocks,
  signoutUser,
  enableUser,
  tfLock,
  suspendDuckling,
  reactivateDuckling,
];
