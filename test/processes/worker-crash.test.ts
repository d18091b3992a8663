import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/entry.ts';
import type { LedgerTable } from '../../src/aws/ledger-table.ts';
import { SignedSlackClient } from '../../src/dev/signed-client.ts';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import { createRunsQueue } from '../../src/requests/runs-queue.ts';
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

describe('a worker killed with SIGKILL in the middle of a mutating step', {
  timeout: 120_000,
}, () => {
  const slack = new SlackEmulator({ tokens: [BOT_TOKEN] });
  const lambda = new FakeLambda();
  const dynamo = new DiskDynalite();
  const redis = new Redis(REDIS_URL);
  const bots: BotProcess[] = [];
  let ledger: LedgerTable;
  let env: Parameters<typeof startBotProcess>[1];

  const ledgerEntries = async () => {
    const entries: AuditEntry[] = [];
    for await (const entry of ledger.range(1)) entries.push(entry);
    return entries;
  };

  beforeAll(async () => {
    const slackUrl = await slack.start();
    slack.state.addChannel('C0OPS', 'ops');
    for (const u of Object.values(USERS)) slack.state.addUser(u.id, u.name);
    lambda.addFunction('mission-control-api', ['41', '42', '43'], { prod: '42', staging: '43' });
    const awsEndpoint = await lambda.start();
    // The audit ledger (dynalite in this process) is where the test reads what the workers did.
    await dynamo.start();
    ledger = await dynamo.table();
    const file = exampleConfig();
    file.audit = { table: ledger.name, endpoint: dynamo.endpoint };
    file.policies.promote = { default: { requesters: ['operators'] }, prod: { approvals: 0 } };
    env = {
      slackUrl,
      prefix: uniquePrefix(),
      configPath: writeConfig(file),
      awsEndpoint,
      extra: { OPSBOT_JOB_LOCK_SECONDS: '4' },
    };
  });
  afterAll(async () => {
    if (process.env.DEBUG_PROCESSES)
      for (const b of bots) console.log(b.role, b.output.join('').slice(-3000));
    await Promise.all(bots.map((b) => stopBotProcess(b, 'SIGKILL')));
    await slack.stop();
    await lambda.stop();
    await dynamo.dispose();
    redis.disconnect();
  }, 60_000);

  it('finishes the run on another worker, mutates once and posts one final result', async () => {
    const web = await startBotProcess('web', env);
    const first = await startBotProcess('worker', env);
    bots.push(web, first);
    lambda.updateDelayMs = 2500;
    // Kill the worker while its UpdateAlias call is in flight (the fake Lambda delays it).
    const client = new SignedSlackClient(`http://127.0.0.1:${web.port}`, SIGNING_SECRET);
    const response = await client.command('promote mission-control-api 43', USERS.alice);
    expect(response.status).toBe(200);
    await waitFor('UpdateAlias to be in flight', () => lambda.updatesInFlight() > 0);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    lambda.updateDelayMs = 0;
    const second = await startBotProcess('worker', env);
    bots.push(second);
    const parent = slack.state.channelMessages('C0OPS').find((m) => !m.thread_ts)!;
    const reply = await waitFor(
      'the result reply',
      () => slack.state.channelMessages('C0OPS', parent.ts)[0],
      60_000,
    );
    expect(reply.text).toContain('promote done');
    expect(lambda.updates).toEqual([
      { fn: 'mission-control-api', alias: 'prod', from: '42', to: '43' },
    ]);
    // The run is over once BullMQ has moved its job to completed (the result is posted from inside
    // the job): no attempt is left that could post a second result.
    const queue = createRunsQueue(redis, env.prefix);
    try {
      await waitFor(
        'the completed run job',
        async () => (await queue.getJobs(['completed']))[0],
        60_000,
      );
    } finally {
      await queue.close();
    }
    // The audit ledger: the run finished once, and the deploy log still names where the alias
    // came from, although the retry found it moved.
    const entries = await waitFor(
      'run.done in the audit ledger',
      async () => {
        const all = await ledgerEntries();
        return all.some((e) => e.action === 'run.done') ? all : undefined;
      },
      60_000,
    );
    expect(entries.filter((e) => e.action === 'run.done')).toHaveLength(1);
    const promoted = entries.filter((e) => e.action === 'deploy.promoted');
    expect(promoted).toHaveLength(1);
    expect(promoted[0]).toMatchObject({
      actor: USERS.alice.id,
      data: { from: '42', to: '43', operator: USERS.alice.id },
    });
    expect(slack.state.channelMessages('C0OPS', parent.ts)).toHaveLength(1);
    expect(slack.state.channelMessages('C0OPS').filter((m) => !m.thread_ts)).toHaveLength(1);
  });
});
