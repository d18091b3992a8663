import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requestIdFor } from '../../src/requests/request.ts';
import { runbookFolder, withGuided } from '../helpers/guided.ts';
import {
  exampleConfig,
  type Harness,
  messageText,
  startHarness,
  USERS,
  waitFor,
  waitForJobCompleted,
} from '../helpers/harness.ts';
import { OwnRedis } from '../helpers/own-redis.ts';
import { CommandLog } from '../helpers/redis-monitor.ts';

/**
 * The run hooks' Redis lookups, counted with MONITOR on a redis-server of the test's own: a run no
 * maintenance window is open for reads the open windows once (at its start), and only a guided
 * runbook's request looks its runbook up when it ends.
 */
const RUNBOOK = `
name: pinger
title: Ping from a runbook
source: test §1
steps:
  - command: "ping"
`;

async function pingDone(h: Harness, requestId: string) {
  await waitFor('the ping result posted', () =>
    h.slack.state
      .channelMessages('C0OPS')
      .find((m) => !m.thread_ts && messageText(m).includes(requestId)),
  );
  await waitForJobCompleted(h, requestId);
}

describe('run hooks look up only what can match', () => {
  let h: Harness;
  let log: CommandLog;
  const server = new OwnRedis();
  let redis: Redis;
  beforeAll(async () => {
    await server.start();
    redis = new Redis(server.url);
    const file = withGuided(exampleConfig(), {
      folders: [runbookFolder({ 'pinger.yml': RUNBOOK }), 'runbooks'],
    });
    h = await startHarness({ file, env: { REDIS_URL: server.url } });
  });
  afterEach(async () => log?.stop());
  afterAll(async () => {
    await h?.stop();
    redis?.disconnect();
    await server.stop();
  });

  it('a typed /ops ping: one open-windows read, no runbook lookup', async () => {
    log = new CommandLog();
    await log.start(server.port, h.prefix);
    const triggerId = 'hooks-ping-1';
    const requestId = requestIdFor(triggerId);
    await h.client.command('ping', USERS.alice, { triggerId });
    await pingDone(h, requestId);
    // The hooks run before the job completes, so their commands are in the log by now.
    expect(log.count('hvals', `${h.prefix}:maintenance:open`)).toBe(1);
    expect(log.count('get', `${h.prefix}:runbook-request:${requestId}`)).toBe(0);
    const job = await h.bot.queue.getJob(requestId);
    expect(job?.data.guided).toBeUndefined();
  });

  it("a guided runbook's ping: its run is marked guided and its end looks the runbook up", async () => {
    log = new CommandLog();
    await log.start(server.port, h.prefix);
    await h.client.command('runbook start pinger', USERS.alice);
    const requestId = await waitFor('the runbook request', async () => {
      const linked = await redis.keys(`${h.prefix}:runbook-request:*`);
      return linked[0]?.slice(`${h.prefix}:runbook-request:`.length);
    });
    await waitForJobCompleted(h, requestId);
    const job = await h.bot.queue.getJob(requestId);
    expect(job?.data.guided).toBe(true);
    expect(log.count('get', `${h.prefix}:runbook-request:${requestId}`)).toBe(1);
  });
});
