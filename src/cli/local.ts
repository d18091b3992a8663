import { ConfigError } from '../config/load.ts';
import { RedisMissingError } from '../dev/local/redis.ts';
import { startLocal } from '../dev/local/start-local.ts';

/**
 * `opsbot local` (and `npm start` without Slack settings): the bot with an embedded Slack, an AWS
 * sandbox and a web console. Prints one line, the console's URL; stops everything on Ctrl-C.
 */
export async function runLocal(): Promise<void> {
  // Keep the output to one line: the SDK's Node-version notice is for deployments, not a local try.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let local: Awaited<ReturnType<typeof startLocal>>;
  try {
    local = await startLocal();
  } catch (error) {
    if (error instanceof RedisMissingError || error instanceof ConfigError) {
      console.error(error.message);
      process.exit(error instanceof ConfigError ? 78 : 69);
    }
    throw error;
  }
  console.log(
    `opsbot local mode (no Slack workspace${local.sandbox ? ', AWS sandbox' : ', REAL AWS'}): open ${local.consoleUrl}`,
  );
  if (local.ignoredAws.length)
    console.log(
      `AWS settings ignored (${local.ignoredAws.join(', ')}): local mode uses the sandbox unless OPSBOT_LOCAL_REAL_AWS=1`,
    );
  const shutdown = () => {
    local.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
