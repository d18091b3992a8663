import type { AnyCommand } from '../src/sdk/index.ts';
import incidents from './incidents.ts';
import ping from './ping.ts';
import promote from './promote.ts';

/** The registry: every command the bot knows. Adding a runbook means adding a file and a line here. */
export const commands: AnyCommand[] = [promote, ping, incidents];
