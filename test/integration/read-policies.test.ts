import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/env.ts';
import { ConfigError } from '../../src/config/load.ts';
import { resolvePolicy } from '../../src/requests/policy.ts';
import { startOpsbot } from '../../src/roles/start.ts';
import { exampleConfig, type Harness, startHarness, USERS, waitFor } from '../helpers/harness.ts';
import { logsConfig, logsWorld } from '../helpers/logs-harness.ts';

/** Issue 16, finding 7 (d): who may request `logs`, `log-errors` and `audit` is a policy (default: operators). */
describe('who may request logs and audit', () => {
  let h: Harness;
  let world: ReturnType<typeof logsWorld>;

  beforeAll(async () => {
    world = logsWorld();
    const file = logsConfig();
    // An operator may widen it like any other policy.
    file.policies.audit = { default: { requesters: ['operators', 't-josh'] } };
    h = await startHarness({ file, aws: world.aws });
  });
  afterAll(async () => {
    await h?.stop();
    world.logs.mock.restore();
  });

  const ephemeralTo = (user: string) =>
    h.slack.state.messages
      .filter((m) => m.visibleTo === user)
      .map((m) => m.text)
      .join('\n');

  it('finding 7: a member outside operators cannot search logs or read the audit ledger; nothing is queued', async () => {
    const jobs = await h.jobCount();
    await h.client.command('logs mission-control-api since=5m', USERS.mallory);
    await waitFor('the logs refusal', () =>
      ephemeralTo(USERS.mallory.id).includes(
        'Only members of operators may request `logs` in default. Nothing was run.',
      ),
    );
    await h.client.command('audit', USERS.mallory);
    await waitFor('the audit refusal', () =>
      ephemeralTo(USERS.mallory.id).includes(
        'Only members of operators or t-josh may request `audit` in default. Nothing was run.',
      ),
    );
    // log-errors reads the same events (sample lines): the same default.
    await h.client.command('log-errors mission-control-api since=1h', USERS.mallory);
    await waitFor('the log-errors refusal', () =>
      ephemeralTo(USERS.mallory.id).includes(
        'Only members of operators may request `log-errors` in default. Nothing was run.',
      ),
    );
    expect(await h.jobCount()).toBe(jobs);
    expect(world.logs.mock.commandCalls(FilterLogEventsCommand)).toHaveLength(0);

    // An operator still can.
    await h.client.command('logs mission-control-api since=5m', USERS.alice);
    await waitFor('the operator’s run', async () => (await h.jobCount()) > jobs);
  });

  it('finding 7: the default names operators, so a config without that group does not start', async () => {
    const logs = h.bot.registry.find('logs')!;
    const audit = h.bot.registry.find('audit')!;
    expect(resolvePolicy(logs, 'default', {}).requesters).toEqual(['operators']);
    expect(resolvePolicy(audit, 'default', {}).requesters).toEqual(['operators']);
    expect(resolvePolicy(h.bot.registry.find('log-errors')!, 'default', {}).requesters).toEqual([
      'operators',
    ]);
    const example = exampleConfig();
    const { operators: _dropped, ...groups } = example.groups;
    const env = envSchema.parse({
      SLACK_BOT_TOKEN: 'xoxb-1-2',
      SLACK_SIGNING_SECRET: 'abcdefghijk',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    const started = startOpsbot({
      config: { env, file: { ...example, groups, policies: {} } },
      role: 'web',
    });
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(/policies\.logs\.default .*group "operators"/);
  });
});
