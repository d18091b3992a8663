import { ConfigError } from '../config/load.ts';
import { loadConfig } from '../registry/load-config.ts';
import { type Role, startOpsbot } from '../roles/start.ts';

/** `opsbot [all|web|worker]`: runs the bot, draining on SIGTERM/SIGINT. */
export async function runBot(role: Role): Promise<void> {
  let bot: Awaited<ReturnType<typeof startOpsbot>>;
  try {
    bot = await startOpsbot({ config: loadConfig(), role });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const shutdown = (signal: string) => {
    bot.log.info({ signal }, 'stopping');
    bot.drain().then(
      () => process.exit(0),
      (error) => {
        bot.log.error({ err: (error as Error).message }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
