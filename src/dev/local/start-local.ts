import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../../config/load.ts';
import { createLogger } from '../../log.ts';
import { loadConfig } from '../../registry/load-config.ts';
import { type Opsbot, startOpsbot } from '../../roles/start.ts';
import { type ConsoleHandle, mountConsole } from '../console/routes.ts';
import { type Sandbox, type SandboxOptions, sandboxPorts } from '../sandbox/index.ts';
import { SlackEmulator } from '../slack-emulator/emulator.ts';
import { withDemoSchedule } from './demo-schedule.ts';
import { type LocalDynamo, startLocalDynamo } from './dynamo.ts';
import { withLocalLedger } from './ledger.ts';
import { ensureRedis, type LocalRedis } from './redis.ts';
import { seedTables } from './seed.ts';
import { LOCAL_USERS, localChannels, seedWorkspace } from './workspace.ts';

export interface LocalOptions {
  /** The environment to read settings from (REDIS_URL, PORT, OPSBOT_CONFIG, AWS_*, …). */
  env?: NodeJS.ProcessEnv;
  port?: number;
  host?: string;
  /** Where dynalite keeps its tables; `.opsbot/dynamo` by default. */
  dataDir?: string;
  prefix?: string;
  /** The sandbox's rollout and rotation times (6 s and 5 s by default, to show live progress). */
  sandbox?: Pick<SandboxOptions, 'rolloutMs' | 'rotationMs'>;
}

export interface LocalOpsbot {
  consoleUrl: string;
  /** The console's session token (the page carries it; API calls must send it). */
  consoleToken: string;
  baseUrl: string;
  bot: Opsbot;
  emulator: SlackEmulator;
  /** The AWS sandbox, unless `OPSBOT_LOCAL_REAL_AWS=1` with AWS_ENDPOINT_URL or credentials. */
  sandbox?: Sandbox;
  /** AWS settings found in the environment and left unused, because real AWS was not opted into. */
  ignoredAws: string[];
  stop(): Promise<void>;
}

const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
];

/** True when the environment points the SDK at a real AWS (or an emulator such as LocalStack). */
export function usesRealAws(env: NodeJS.ProcessEnv): boolean {
  return awsSettings(env).length > 0;
}

function awsSettings(env: NodeJS.ProcessEnv): string[] {
  return ['AWS_ENDPOINT_URL', ...CREDENTIAL_VARIABLES].filter((name) => env[name]);
}

/**
 * Local mode acts through a console any local user drives, so it uses real AWS only when asked
 * twice: AWS settings in the environment *and* `OPSBOT_LOCAL_REAL_AWS=1`. Without the opt-in it
 * runs on the sandbox and reports the settings it left unused.
 */
export function localAws(env: NodeJS.ProcessEnv): { real: boolean; ignored: string[] } {
  const found = awsSettings(env);
  if (found.length && env.OPSBOT_LOCAL_REAL_AWS === '1') return { real: true, ignored: [] };
  return { real: false, ignored: found };
}

const OWN_DEPLOYS = "the bot's own: deploy history in Redis";

const secret = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * Settings for one local session: a fresh bot token (the only one the emulator accepts), signing
 * secret and webhook secret, the emulator as Slack, and quiet logs unless LOG_LEVEL says otherwise.
 */
function sessionEnv(
  env: NodeJS.ProcessEnv,
  botToken: string,
  slackApiUrl: string,
  redisUrl: string,
) {
  return {
    ...env,
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: secret(24),
    SLACK_APP_TOKEN: '',
    SLACK_API_URL: slackApiUrl,
    REDIS_URL: redisUrl,
    OPSBOT_WEBHOOK_SECRET:
      env.OPSBOT_WEBHOOK_SECRET || process.env.OPSBOT_WEBHOOK_SECRET || secret(24),
    LOG_LEVEL: env.LOG_LEVEL || 'warn',
  };
}

/**
 * dynalite (seeded from the config), the AWS sandbox on it, and the audit ledger in it unless the
 * config names one.
 */
async function startSandbox(config: Config, dataDir: string, timing: LocalOptions['sandbox'] = {}) {
  const dynamo: LocalDynamo = await startLocalDynamo(dataDir, seedTables(config.file));
  try {
    const ledger = await withLocalLedger(config, dynamo.endpoint);
    const sandbox = await sandboxPorts({
      file: config.file,
      dynamoEndpoint: dynamo.endpoint,
      region: config.env.AWS_REGION,
      ...timing,
    });
    const describe: Record<string, string> = { ...sandbox.describe, deploys: OWN_DEPLOYS };
    if (ledger.describe) describe.ledger = ledger.describe;
    return {
      config: ledger.config,
      sandbox,
      describe,
      stop: async () => {
        await sandbox.stop();
        await dynamo.stop();
      },
    };
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
}

/**
 * Local mode: Redis (started if needed), the Slack emulator as the bot's Web API, dynalite and the
 * AWS sandbox (unless real AWS is configured), the bot, and the web console on the bot's server.
 */
export async function startLocal(options: LocalOptions = {}): Promise<LocalOpsbot> {
  const env = options.env ?? process.env;
  const cleanup: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => {});
  };
  try {
    const redis: LocalRedis = await ensureRedis(env.REDIS_URL || 'redis://127.0.0.1:6379');
    cleanup.push(() => redis.stop());
    const botToken = `xoxb-local-${secret(12)}`;
    const emulator = new SlackEmulator({ tokens: [botToken] });
    await emulator.start();
    cleanup.push(() => emulator.stop());
    const source = {
      ...sessionEnv(env, botToken, emulator.url, redis.url),
      ...(options.prefix ? { OPSBOT_PREFIX: options.prefix } : {}),
    };
    let config: Config = loadConfig(source);
    seedWorkspace(emulator.state, config.file);

    let sandbox: Sandbox | undefined;
    let describe: Record<string, string> = {
      all: `real: AWS SDK (${env.AWS_ENDPOINT_URL ?? 'default endpoints'})`,
      deploys: OWN_DEPLOYS,
    };
    const aws = localAws(env);
    if (!aws.real) {
      const local = await startSandbox(
        config,
        options.dataDir ?? join('.opsbot', 'dynamo'),
        options.sandbox,
      );
      cleanup.push(local.stop);
      ({ config, sandbox, describe } = local);
      config = { ...config, file: withDemoSchedule(config.file) };
    }

    let consoleRoutes: ConsoleHandle | undefined;
    const bot = await startOpsbot({
      config,
      role: 'all',
      aws: sandbox?.ports,
      log: createLogger(config.env.LOG_LEVEL),
      port: options.port ?? config.env.PORT,
      host: options.host ?? '127.0.0.1',
      routes: (http) => {
        consoleRoutes = mountConsole(http, {
          emulator,
          signingSecret: config.env.SLACK_SIGNING_SECRET!,
          webhookSecret: source.OPSBOT_WEBHOOK_SECRET,
          users: LOCAL_USERS,
          channels: localChannels(config.file),
          aws: describe,
          realAws: aws.real,
        });
      },
    });
    const baseUrl = `http://127.0.0.1:${bot.port}`;
    consoleRoutes?.attach(baseUrl);
    cleanup.push(() => bot.stop());
    cleanup.push(async () => consoleRoutes?.stop());
    return {
      consoleUrl: `http://localhost:${bot.port}/console`,
      consoleToken: consoleRoutes!.token,
      ignoredAws: aws.ignored,
      baseUrl,
      bot,
      emulator,
      sandbox,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
