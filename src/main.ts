import { ConfigError, loadConfig } from './config/load.ts';
import { type Role, startOpsbot } from './opsbot.ts';

const ROLES: Role[] = ['all', 'web', 'worker'];

async function main(argv: string[]) {
  const role = (argv[0] ?? 'all') as Role;
  if (!ROLES.includes(role)) {
    console.error(`usage: opsbot [${ROLES.join('|')}]`);
    process.exit(2);
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const bot = await startOpsbot({ config, role });
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

main(process.argv.slice(2)).catch((error) => {
  console.error(`opsbot failed to start: ${(error as Error).message}`);
  process.exit(1);
});
