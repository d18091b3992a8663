import type { AnyCommand } from '../src/sdk/index.ts';
import health from './health.ts';
import ping from './ping.ts';
import promote from './promote.ts';
import restart from './restart.ts';
import rollback from './rollback.ts';
import tableHealth from './table-health.ts';

/** The registry: every command the bot knows. Adding a runbook means adding a file and a line here. */
export const commands: AnyCommand[] = [promote, ping, rollback, restart, health, tableHealth];
