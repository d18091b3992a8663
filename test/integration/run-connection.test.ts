import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestIdFor, runIdFor } from '../../src/requests/request.ts';
import {
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
 * A run's own Redis commands (run message, checkpoints) go on a connection of their own, never on
 * one of BullMQ's.
 */
describe("a run's own Redis connection", () => {
  let h: Harness;
  const server = new OwnRedis();
  const log = new CommandLog();
  beforeAll(async () => {
    await server.start();
    h = await startHarness({ env: { REDIS_URL: server.url } });
  });
  afterAll(async () => {
    await log.stop();
    await h?.stop();
    await server.stop();
  });

  it("sends the run's reads and writes on one connection that BullMQ does not use", async () => {
    await log.start(server.port, h.prefix);
    const triggerId = 'run-connection-1';
    const requestId = requestIdFor(triggerId);
    const runId = runIdFor(requestId);
    await h.client.command('ping', USERS.alice, { triggerId });
    await waitFor('the run message', () =>
      h.slack.state
        .channelMessages('C0OPS')
        .find((m) => !m.thread_ts && messageText(m).includes(requestId)),
    );
    await waitForJobCompleted(h, requestId);
    const runClients = new Set(
      [
        ...log.find('hmget', `${h.prefix}:run:${runId}:message`),
        ...log.find('hgetall', `${h.prefix}:run:${runId}:steps`),
        ...log.find('hset', `${h.prefix}:run:${runId}:steps`),
        ...log.find('hsetnx', `${h.prefix}:run:${runId}:message`),
      ].map((c) => c.client),
    );
    // BullMQ's scripts on the read-only runs queue (add, move to active, move to finished).
    const bullmqClients = new Set(
      log.seen
        .filter(
          ({ args }) =>
            args[0] === 'evalsha' && args.some((a) => a.startsWith(`${h.prefix}:reads:`)),
        )
        .map((c) => c.client),
    );
    expect(runClients.size).toBe(1);
    expect(bullmqClients.size).toBeGreaterThan(0);
    expect([...runClients].filter((c) => bullmqClients.has(c))).toEqual([]);
  });
});
