import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignedSlackClient } from '../../src/dev/signed-client.ts';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import { FakeLambda } from '../helpers/fake-lambda.ts';
import { runbookFolder, withGuided } from '../helpers/guided.ts';
import {
  BOT_TOKEN,
  exampleConfig,
  messageText,
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

const PROMOTE = `
name: promote-then-tell
title: Promote, then tell
source: test.txt §5
steps:
  - command: "promote mission-control-api 43"
  - manual: "Tell the team"
`;

describe('a worker killed with SIGKILL during a runbook’s command step', {
  timeout: 120_000,
}, () => {
  const slack = new SlackEmulator({ tokens: [BOT_TOKEN] });
  const lambda = new FakeLambda();
  const bots: BotProcess[] = [];
  let env: Parameters<typeof startBotProcess>[1];

  beforeAll(async () => {
    const slackUrl = await slack.start();
    slack.state.addChannel('C0OPS', 'ops');
    for (const u of Object.values(USERS)) slack.state.addUser(u.id, u.name);
    lambda.addFunction('mission-control-api', ['41', '42', '43'], { prod: '42', staging: '43' });
    const awsEndpoint = await lambda.start();
    const file = withGuided(exampleConfig(), {
      folders: [runbookFolder({ 'promote.yml': PROMOTE }), 'runbooks'],
      poll_seconds: 0.5,
    });
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
  }, 60_000);

  it('resumes on another worker: the step’s run finishes once and the runbook moves on', async () => {
    const web = await startBotProcess('web', env);
    const first = await startBotProcess('worker', env);
    bots.push(web, first);
    lambda.updateDelayMs = 2500;
    const client = new SignedSlackClient(`http://127.0.0.1:${web.port}`, SIGNING_SECRET);
    expect((await client.command('runbook start promote-then-tell', USERS.alice)).status).toBe(200);
    await waitFor('UpdateAlias to be in flight', () => lambda.updatesInFlight() > 0, 30_000);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    lambda.updateDelayMs = 0;
    const second = await startBotProcess('worker', env);
    bots.push(second);
    const card = slack.state
      .channelMessages('C0OPS')
      .find((m) => !m.thread_ts && m.text.startsWith('Runbook Promote, then tell'))!;
    expect(card).toBeDefined();
    await waitFor('step 1 done', () => /✅ \*1\.\*/.test(messageText(card)), 60_000);
    expect(messageText(card)).toMatch(/▶️ \*2\.\*/);
    expect(lambda.updates).toEqual([
      { fn: 'mission-control-api', alias: 'prod', from: '42', to: '43' },
    ]);
    // One request for the step, whichever worker ran it.
    const requests = new Set(
      slack.state
        .channelMessages('C0OPS', card.ts)
        .flatMap((m) => messageText(m).match(/req_[0-9a-f]{16}/g) ?? []),
    );
    expect(requests.size).toBe(1);
  });
});
