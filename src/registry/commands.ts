import { type DiscoveredCommand, discoverCommands } from './discover.ts';

/**
 * Every command the bot knows: the files in `commands/` (see discover.ts), loaded once when this
 * module is first imported. Adding a command is adding a file there; nothing lists them by hand.
 */
export const discovered: DiscoveredCommand[] = await discoverCommands(
  new URL('../../commands/', import.meta.url),
);

export const commands = discovered.map((d) => d.command);
