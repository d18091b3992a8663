import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignedSlackClient } from '../../src/dev/signed-client.ts';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import { FakeLambda } from '../helpers/fake-lambda.ts';
import { BOT_TOKEN, exampleConfig, SIGNING_SECRET, USERS, waitFor } from '../helpers/harness.ts';
import {
  type BotProcess,
  startBotProcess,
  stopBotProcess,
  uniquePrefix,
  writeConfig,
} from '../helpers/processes.ts';

const ALIASES = Array.from({ length: 10 }, (_, i) => `a${i}`);
const REQUESTS = 200;

describe('2 web and 2 worker processes on one Redis', { timeout: 240_000 }, () => {
  const slack = new SlackEmulator({ tokens: [BOT_TOKEN] });
  const lambda = new FakeLambda();
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    const slackUrl = await slack.start();
    slack.state.addChannel('C0OPS', 'ops');
    for (const u of Object.values(USERS)) slack.state.addUser(u.id, u.name);
    lambda.addFunction(
      'mission-control-api',
      ['42', '43'],
      Object.fromEntries(ALIASES.map((a) => [a, '42'])),
    );
    lambda.updateDelayMs = 20;
    const awsEndpoint = await lambda.start();
    const file = exampleConfig();
    file.targets.lambda['mission-control-api']!.aliases = Object.fromEntries(
      ALIASES.map((a) => [a, 'staging']),
    );
    file.policies.promote = { default: { requesters: ['operators'], approvals: 0 } };
    const env = { slackUrl, prefix: uniquePrefix(), configPath: writeConfig(file), awsEndpoint };
    bots.push(
      ...(await Promise.all([
        startBotProcess('web', env),
        startBotProcess('web', env),
        startBotProcess('worker', env),
        startBotProcess('worker', env),
      ])),
    );
  }, 120_000);
  afterAll(async () => {
    await Promise.all(bots.map((b) => stopBotProcess(b)));
    await slack.stop();
    await lambda.stop();
  }, 60_000);

  it('runs each request exactly once, holds per-alias locks across processes, and never duplicates progress', async () => {
    const [webA, webB] = bots.map(
      (b) => new SignedSlackClient(`http://127.0.0.1:${b.port}`, SIGNING_SECRET),
    );
    const sends: Promise<{ status: number }>[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const text = `promote mission-control-api ${Math.floor(i / ALIASES.length) % 2 === 0 ? 43 : 42} alias=${ALIASES[i % ALIASES.length]}`;
      const triggerId = `scale-${i}`;
      sends.push((i % 2 === 0 ? webA! : webB!).command(text, USERS.alice, { triggerId }));
      // Every fourth request is retried by "Slack" against the other instance.
      if (i % 4 === 0)
        sends.push(
          (i % 2 === 0 ? webB! : webA!).command(text, USERS.alice, {
            triggerId,
            headers: { 'x-slack-retry-num': '1' },
          }),
        );
    }
    const answers = await Promise.all(sends);
    expect(answers.every((a) => a.status === 200)).toBe(true);

    const parents = () => slack.state.channelMessages('C0OPS').filter((m) => !m.thread_ts);
    const finished = () =>
      parents().filter((p) => slack.state.channelMessages('C0OPS', p.ts).length > 0);
    await waitFor('every run to post its result', () => finished().length >= REQUESTS, 200_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));

    // Exactly one progress message and one result per request, and every run succeeded.
    const requestIds = parents().map(
      (m) => /request (req_[0-9a-f]+)/.exec(JSON.stringify(m.blocks))?.[1],
    );
    expect(new Set(requestIds).size).toBe(REQUESTS);
    expect(parents()).toHaveLength(REQUESTS);
    for (const parent of parents()) {
      const replies = slack.state.channelMessages('C0OPS', parent.ts);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.text).toContain('promote done');
    }
    // The per-alias lock held across both workers: no overlapping updates, no stale revisions.
    expect(lambda.maxConcurrentUpdates).toBe(1);
    expect(lambda.updates.length).toBeGreaterThanOrEqual(ALIASES.length);
    expect(lambda.staleRevisions).toBe(0);
  });
});
