import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/entry.ts';
import { verifyEntries } from '../../src/audit/verify.ts';
import type { LedgerTable } from '../../src/aws/ledger-table.ts';
import { SignedSlackClient } from '../../src/dev/signed-client.ts';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import { DiskDynalite } from '../helpers/dynalite-disk.ts';
import { FakeLambda } from '../helpers/fake-lambda.ts';
import {
  BOT_TOKEN,
  exampleConfig,
  REDIS_URL,
  SIGNING_SECRET,
  USERS,
  waitFor,
} from '../helpers/harness.ts';
import {
  type BotProcess,
  startBotProcess,
  stopBotProcess,
  uniquePrefix,
  writeConfig,
} from '../helpers/processes.ts';

describe('SIGTERM during a run', { timeout: 120_000 }, () => {
  const slack = new SlackEmulator({ tokens: [BOT_TOKEN] });
  const lambda = new FakeLambda();
  const dynamo = new DiskDynalite();
  let ledger: LedgerTable;
  let bot: BotProcess;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    const slackUrl = await slack.start();
    slack.state.addChannel('C0OPS', 'ops');
    for (const u of Object.values(USERS)) slack.state.addUser(u.id, u.name);
    lambda.addFunction('mission-control-api', ['42', '43'], { prod: '42', staging: '43' });
    const awsEndpoint = await lambda.start();
    await dynamo.start();
    ledger = await dynamo.table();
    const file = exampleConfig();
    file.audit = { table: ledger.name, endpoint: dynamo.endpoint };
    file.policies.promote = { default: { requesters: ['operators'], approvals: 0 } };
    const env = {
      slackUrl,
      prefix,
      configPath: writeConfig(file),
      awsEndpoint,
      extra: { OPSBOT_GRACE_SECONDS: '20' },
    };
    bot = await startBotProcess('all', env);
  }, 120_000);
  afterAll(async () => {
    await stopBotProcess(bot, 'SIGKILL');
    await slack.stop();
    await lambda.stop();
    ledger?.client.destroy();
    await dynamo.dispose();
  });

  it('turns /ready 503 at once, refuses new work, lets the active run finish, and exits 0', async () => {
    const base = `http://127.0.0.1:${bot.port}`;
    await waitFor('ready', async () => (await fetch(`${base}/ready`)).status === 200);
    lambda.updateDelayMs = 3000;
    const client = new SignedSlackClient(base, SIGNING_SECRET);
    await client.command('promote mission-control-api 43', USERS.alice);
    await waitFor('the update step to be running', () => {
      const message = slack.state.channelMessages('C0OPS').find((m) => !m.thread_ts);
      return message && JSON.stringify(message.blocks).includes('◐ Move the alias');
    });
    const exited = new Promise<number | null>((resolve) =>
      bot.child.once('exit', (code) => resolve(code)),
    );
    bot.child.kill('SIGTERM');
    await waitFor(
      '/ready to answer 503',
      async () => (await fetch(`${base}/ready`)).status === 503,
    );
    const refused = await client.command(
      'promote mission-control-api 42 alias=staging',
      USERS.alice,
    );
    expect(refused.status).toBe(503);
    expect(await exited).toBe(0);
    const parent = slack.state.channelMessages('C0OPS').find((m) => !m.thread_ts)!;
    expect(slack.state.channelMessages('C0OPS', parent.ts)[0]?.text).toContain('promote done');
    expect(lambda.updates).toHaveLength(1);
    expect(slack.state.channelMessages('C0OPS').filter((m) => !m.thread_ts)).toHaveLength(1);

    // The audit entries of the run were flushed to the ledger before the exit: none wait in Redis.
    const redis = new Redis(REDIS_URL);
    expect(await redis.llen(`${prefix}:audit:pending`)).toBe(0);
    redis.disconnect();
    const entries: AuditEntry[] = [];
    for await (const entry of ledger.range(1)) entries.push(entry);
    expect(await verifyEntries(entries, 1)).toMatchObject({ ok: true, count: entries.length });
    const actions = entries.map((e) => e.action);
    for (const action of ['request.created', 'run.started', 'run.done'])
      expect(
        actions.filter((a) => a === action),
        action,
      ).toHaveLength(1);
  });
});
