import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { simple } from '../../src/notify/message-content.ts';
import type { SlackWriter } from '../../src/notify/slack-writer.ts';
import type { RunJob } from '../../src/requests/request.ts';
import { RunReporter } from '../../src/run/reporter.ts';
import { newRunView } from '../../src/run/run-view.ts';
import { keys as keysFor } from '../../src/store/keys.ts';
import { REDIS_URL } from '../helpers/redis-url.ts';

/**
 * A run's last step is checkpointed with the run's end, in one script. When that end cannot be
 * recorded because a read-only run's deferred message could not be posted, the checkpoint is saved
 * alone first: the retry skips the step, as it did when every step was checkpointed on its own.
 */
describe("a run's end", () => {
  const prefix = `runend${Date.now()}`;
  const keys = keysFor(prefix);
  const redis = new Redis(REDIS_URL);
  afterAll(async () => {
    const found = await redis.keys(`${prefix}:*`);
    if (found.length) await redis.del(...found);
    redis.disconnect();
  });

  const job: RunJob = {
    id: 'req_runend1',
    command: 'ping',
    args: {},
    argsHash: 'h',
    environment: 'default',
    requester: 'U0ALICE',
    channel: 'C0OPS',
    createdAt: Date.now(),
  };
  const view = () =>
    newRunView(
      {
        runId: 'run_runend1',
        requestId: job.id,
        command: 'ping',
        argsText: '',
        requester: job.requester,
        environment: 'default',
        emergency: false,
      },
      [{ name: 'pong', title: 'Pong' }],
      1,
      Date.now(),
    );
  const writer = (post: SlackWriter['post']): SlackWriter => ({
    post,
    update: async () => {},
    ephemeral: async () => {},
    note: async () => {},
    upload: async () => {},
  });
  const deps = (slack: SlackWriter) => ({
    redis,
    keys,
    writer: slack,
    renderer: {
      progress: () => simple('progress'),
      result: () => simple('result'),
      output: () => simple('output'),
    },
    audit: { append: () => {} },
    opsChannel: 'C0OPS',
    updateIntervalMs: 60_000,
  });
  const open = (slack: SlackWriter) =>
    RunReporter.open(
      job,
      view(),
      { readOnly: true, firstStart: true },
      createLogger('silent'),
      deps(slack),
    );

  it('saves the last step alone when the deferred message cannot be posted, and records no end', async () => {
    const failing = writer(async () => {
      throw new Error('socket hang up');
    });
    const reporter = await open(failing);
    await expect(reporter.done({ step: 'pong', result: { pong: true } })).rejects.toThrow(
      'could not be posted',
    );
    expect(await redis.hgetall(keys.runSteps('run_runend1'))).toEqual({ pong: '{"pong":true}' });
    expect(await redis.hget(keys.runMessage('run_runend1'), 'result_posted')).toBeNull();
    expect(reporter.ended).toBe(false);
  });

  it('records the message, the checkpoint and the marker together once it is posted', async () => {
    await redis.zadd(keys.userRuns(job.requester), Date.now(), job.id);
    const posts: string[] = [];
    const reporter = await open(
      writer(async (_channel, content, threadTs) => {
        posts.push(`${content.text}${threadTs ? ' in thread' : ''}`);
        return { ts: `1700000000.00000${posts.length}` };
      }),
    );
    await reporter.done({ step: 'pong', result: { pong: 2 } });
    expect(posts).toEqual(['progress', 'result in thread']);
    expect(await redis.hgetall(keys.runMessage('run_runend1'))).toMatchObject({
      ts: '1700000000.000001',
      channel: 'C0OPS',
      result_posted: '1',
    });
    expect(await redis.hget(keys.runSteps('run_runend1'), 'pong')).toBe('{"pong":2}');
    expect(await redis.zrange(keys.userRuns(job.requester), '0', '-1')).toEqual([]);
    expect(reporter.ended).toBe(true);
  });
});
