// The bot of bench:logs' search, in a process of its own so its memory is measured alone:
// `logs-bot.ts TOTAL T0` with SLACK_API_URL, PORT, OPSBOT_PREFIX in the environment. Real opsbot
// (web + worker, real Redis), the real CloudWatch Logs adapter over aws-sdk-client-mock.

import { envSchema } from '../../src/config/env.ts';
import { createLogger } from '../../src/log.ts';
import { startOpsbot } from '../../src/roles/start.ts';
import { BOT_TOKEN, REDIS_URL, SIGNING_SECRET } from '../../test/helpers/harness.ts';
import { logsConfig, logsWorld } from '../../test/helpers/logs-harness.ts';
import { pageLikeCloudWatch } from './logs-pages.ts';

const [total, t0] = process.argv.slice(2).map(Number);
const world = logsWorld();
pageLikeCloudWatch(world, total!, t0!);
const env = envSchema.parse({
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: process.env.SLACK_API_URL,
  REDIS_URL,
  OPSBOT_PREFIX: process.env.OPSBOT_PREFIX,
  LOG_LEVEL: 'error',
});
const bot = await startOpsbot({
  config: { env, file: logsConfig() },
  role: 'all',
  aws: world.aws,
  log: createLogger('error'),
  port: Number(process.env.PORT),
  host: '127.0.0.1',
});
process.once('SIGTERM', () => {
  void bot.stop().finally(() => process.exit(0));
});
