import type { AnyCommand } from '../src/sdk/index.ts';
import expireCert from './expire-cert.ts';
import ping from './ping.ts';
import promote from './promote.ts';
import revokeConnection from './revoke-connection.ts';
import rotateKey from './rotate-key.ts';
import rotateSecret from './rotate-secret.ts';

/** The registry: every command the bot knows. Adding a runbook means adding a file and a line here. */
export const commands: AnyCommand[] = [
  promote,
  ping,
  rotateKey,
  revokeConnection,
  expireCert,
  rotateSecret,
];
