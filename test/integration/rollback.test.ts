import { UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import promote from '../../commands/promote.ts';
import rollback from '../../commands/rollback.ts';
import { awsAdapters } from '../../src/aws/adapters.ts';
import { redisDeployHistory } from '../../src/store/deploy-history.ts';
import { keys } from '../../src/store/keys.ts';
import { exampleConfig, REDIS_URL } from '../helpers/harness.ts';
import { mockLambda } from '../helpers/lambda-mock.ts';
import { runCommand } from '../helpers/step-context.ts';

describe('rollback: deploy history in Redis, Lambda through aws-sdk-client-mock', () => {
  const redis = new Redis(REDIS_URL);
  let prefix = '';
  let lambda: ReturnType<typeof mockLambda>;
  const aws = () => awsAdapters('us-east-1', { deploys: redisDeployHistory(redis, keys(prefix)) });
  const targets = exampleConfig().targets;

  beforeEach(() => {
    prefix = `trb${Math.random().toString(36).slice(2, 10)}`;
    lambda = mockLambda({ versions: ['41', '42', '43'], current: '42' });
  });
  afterEach(async () => {
    lambda.mock.restore();
    const found = await redis.keys(`${prefix}:*`);
    if (found.length) await redis.del(...found);
  });
  afterAll(() => redis.disconnect());

  it('refuses with a clear user error when no promote is recorded', async () => {
    await expect(
      runCommand(rollback, { function: 'mission-control-api' }, { targets, ports: aws() }),
    ).rejects.toMatchObject({ kind: 'user', code: 'no_deploy_history' });
    expect(lambda.mock.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });

  it('undoes the last promote (plan prod: 43 → 42), then the one before it', async () => {
    lambda.state.version = '41';
    // 42 and 43 went through staging first, as promote's staging check (on by default) requires.
    for (const [from, to] of [
      ['41', '42'],
      ['42', '43'],
    ] as const)
      await aws().deploys.record(
        { function: 'mission-control-api', alias: 'staging' },
        {
          kind: 'promote',
          runId: `run-s${to}`,
          from,
          to,
          by: 'U0ALICE',
          at: new Date().toISOString(),
        },
      );
    await runCommand(
      promote,
      { function: 'mission-control-api', version: '42' },
      { targets, ports: aws(), runId: 'run-p1' },
    );
    await runCommand(
      promote,
      { function: 'mission-control-api', version: '43' },
      { targets, ports: aws(), runId: 'run-p2' },
    );
    expect(lambda.state.version).toBe('43');
    const first = await runCommand(
      rollback,
      { function: 'mission-control-api' },
      { targets, ports: aws(), runId: 'run-r1' },
    );
    expect(first.plan?.summary).toBe('prod: 43 → 42');
    expect(lambda.state.version).toBe('42');
    expect(first.records[0]).toMatchObject({
      event: 'deploy.rolled_back',
      data: { from: '43', to: '42', undoes: 'run-p2' },
    });
    const second = await runCommand(
      rollback,
      { function: 'mission-control-api' },
      { targets, ports: aws(), runId: 'run-r2' },
    );
    expect(second.plan?.summary).toBe('prod: 42 → 41');
    expect(lambda.state.version).toBe('41');
  });

  it('is a no-op when retried after the alias already moved back, and records once', async () => {
    lambda.state.version = '42';
    await runCommand(
      promote,
      { function: 'mission-control-api', version: '43' },
      { targets, ports: aws(), runId: 'run-p1' },
    );
    const first = await runCommand(
      rollback,
      { function: 'mission-control-api' },
      { targets, ports: aws(), runId: 'run-r1' },
    );
    const updates = lambda.state.updates;
    // The same run again with its approved plan (the worker died after UpdateAlias).
    await runCommand(
      rollback,
      { function: 'mission-control-api' },
      { targets, ports: aws(), runId: 'run-r1', plan: first.plan },
    );
    expect(lambda.state.updates).toBe(updates);
    const history = await redisDeployHistory(redis, keys(prefix)).list({
      function: 'mission-control-api',
      alias: 'prod',
    });
    expect(history.map((e) => `${e.kind}:${e.runId}`)).toEqual([
      'rollback:run-r1',
      'promote:run-p1',
    ]);
  });

  it('refuses when the alias was moved outside opsbot since the last promote', async () => {
    await runCommand(
      promote,
      { function: 'mission-control-api', version: '43' },
      { targets, ports: aws(), runId: 'run-p1' },
    );
    lambda.moveBehindOurBack('41');
    await expect(
      runCommand(rollback, { function: 'mission-control-api' }, { targets, ports: aws() }),
    ).rejects.toMatchObject({
      code: 'alias_moved',
      message: expect.stringContaining('prod points at 41'),
    });
  });
});
