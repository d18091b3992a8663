import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignedSlackClient } from '../../src/dev/signed-client.ts';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import { keys } from '../../src/store/keys.ts';
import { FakeLambda } from '../helpers/fake-lambda.ts';
import { BOT_TOKEN, exampleConfig, SIGNING_SECRET, USERS, waitFor } from '../helpers/harness.ts';
import { OwnRedis } from '../helpers/own-redis.ts';
import {
  type BotProcess,
  startBotProcess,
  stopBotProcess,
  uniquePrefix,
  writeConfig,
} from '../helpers/processes.ts';

describe('Redis restarting under traffic', { timeout: 180_000 }, () => {
  const slack = new SlackEmulator({ tokens: [BOT_TOKEN] });
  const lambda = new FakeLambda();
  const redis = new OwnRedis();
  const bots: BotProcess[] = [];
  let env: Parameters<typeof startBotProcess>[1];

  beforeAll(async () => {
    await redis.start();
    const slackUrl = await slack.start();
    slack.state.addChannel('C0OPS', 'ops');
    for (const u of Object.values(USERS)) slack.state.addUser(u.id, u.name);
    lambda.addFunction('mission-control-api', ['41', '42', '43'], { prod: '42', staging: '41' });
    const awsEndpoint = await lambda.start();
    const file = exampleConfig();
    file.policies.promote = { default: { requesters: ['operators'], approvals: 0 } };
    // The prod promote and the staging promote of 43 race across the restart; this test is about
    // Redis, so the staging check (promote-staging-deploy-log.test.ts) is off here.
    file.targets.lambda['mission-control-api']!.verify_staging = false;
    env = {
      slackUrl,
      prefix: uniquePrefix(),
      configPath: writeConfig(file),
      awsEndpoint,
      redisUrl: redis.url,
    };
  }, 120_000);
  afterAll(async () => {
    await Promise.all(bots.map((b) => stopBotProcess(b, 'SIGKILL')));
    await redis.stop();
    await slack.stop();
    await lambda.stop();
  }, 60_000);

  it('tells requesters nothing ran while Redis is down, survives, keeps queued work, and runs it once', async () => {
    const web = await startBotProcess('web', env);
    bots.push(web);
    const client = new SignedSlackClient(`http://127.0.0.1:${web.port}`, SIGNING_SECRET);

    // Queued while no worker runs: it must survive the restart (AOF on).
    await client.command('promote mission-control-api 43', USERS.alice, {
      triggerId: 'before-restart',
    });
    // The web process hands the submission over after it has acked the command: wait until it is
    // in the stream before Redis goes down, however long that takes on a loaded machine.
    const peek = new Redis(redis.url);
    try {
      await waitFor('the submission in the stream', async () =>
        (await peek.xlen(keys(env.prefix).submissions())) === 1 ? true : undefined,
      );
    } finally {
      peek.disconnect();
    }

    await redis.stop();
    const during = await client.command('promote mission-control-api 43 alias=staging', USERS.bob, {
      triggerId: 'while-down',
    });
    expect(during.status).toBe(200);
    const notice = await waitFor('the ephemeral notice', () =>
      slack.state.messages.find(
        (m) => m.visibleTo === USERS.bob.id && m.text.includes("can't reach its queue"),
      ),
    );
    expect(notice.text).toContain('nothing was run');
    expect(web.child.exitCode).toBeNull();

    await redis.start();
    const worker = await startBotProcess('worker', env);
    bots.push(worker);
    const parents = () => slack.state.channelMessages('C0OPS').filter((m) => !m.thread_ts);
    await waitFor(
      'the queued run to finish',
      () => parents().some((p) => slack.state.channelMessages('C0OPS', p.ts).length > 0),
      60_000,
    );

    // The web process reconnected: a new command is queued and run.
    await waitFor(
      'web to accept work again',
      async () => {
        const answer = await client.command(
          'promote mission-control-api 43 alias=staging',
          USERS.alice,
          { triggerId: `after-${Date.now()}` },
        );
        return (
          answer.status === 200 &&
          !slack.state.messages.some(
            (m) => m.visibleTo === USERS.alice.id && m.text.includes("can't reach"),
          )
        );
      },
      30_000,
    );
    await waitFor(
      'both runs to finish',
      () =>
        parents().filter((p) => slack.state.channelMessages('C0OPS', p.ts).length > 0).length === 2,
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(parents()).toHaveLength(2);
    expect(bots.flatMap((b) => b.output).join('')).not.toContain('Unhandled error event');
    expect(lambda.updates).toEqual([
      { fn: 'mission-control-api', alias: 'prod', from: '42', to: '43' },
      { fn: 'mission-control-api', alias: 'staging', from: '41', to: '43' },
    ]);
    // The request made while Redis was down was not run.
    expect(parents().every((p) => !JSON.stringify(p.blocks).includes(USERS.bob.id))).toBe(true);
  });
});
