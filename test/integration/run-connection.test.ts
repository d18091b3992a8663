import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ResourceLocks } from '../../src/queue/locks.ts';
import { requestIdFor, runIdFor } from '../../src/requests/request.ts';
import { Checkpoints } from '../../src/run/checkpoints.ts';
import { runState } from '../../src/run/run-state.ts';
import { keys as keysFor, RUN_STATE_TTL_SECONDS } from '../../src/store/keys.ts';
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
 * A run's own Redis commands (run message, checkpoints), counted with MONITOR on a redis-server of
 * the test's own: they go on the connection of the BullMQ worker that runs it, so one tick's run
 * ends and BullMQ moves leave in one socket write, and never in a MULTI. A run's first
 * start reads no run state (it has none: no progress message, no checkpoints); any later start of
 * the same run (a retry, a stalled job taken over, a job moved back by hand) reads both, so it
 * edits the message it posted and never posts its result twice.
 */
describe("a run's own Redis commands", () => {
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

  it("sends the run's reads and writes on its BullMQ worker's connection, none in a MULTI", async () => {
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
      runCommands(log, runId)
        .filter(({ client }) => client !== 'lua')
        .map((c) => c.client),
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
    expect([...runClients].filter((c) => bullmqClients.has(c))).toEqual([...runClients]);
    // A MULTI there would make ioredis copy BullMQ's scripts onto a pipeline object.
    const [runClient] = runClients;
    expect(
      log.seen.filter(({ args, client }) => client === runClient && args[0] === 'multi'),
    ).toEqual([]);
  });

  it("writes a read-only run's state in one script at its end, which also takes the run out of its member's runs in flight", async () => {
    const log = new CommandLog();
    await log.start(server.port, h.prefix);
    onTestFinished(() => log.stop());
    const triggerId = 'run-end-1';
    const requestId = requestIdFor(triggerId);
    const runId = runIdFor(requestId);
    const inFlightKey = `${h.prefix}:user:${USERS.alice.id}:runs`.toLowerCase();
    await h.client.command('ping', USERS.alice, { triggerId });
    await waitForJobCompleted(h, requestId);
    // Sent by the bot (not run inside a script): one EVAL for the message ts, the last step's
    // checkpoint and the result marker, where there were two transactions (five writes).
    const sent = runCommands(log, runId).filter(({ client }) => client !== 'lua');
    expect(sent.map(({ args }) => args[0])).toEqual(['eval']);
    const ran = runCommands(log, runId).filter(({ client }) => client === 'lua');
    expect(ran.map(({ args }) => args[0]).sort()).toEqual(
      ['expire', 'expire', 'hset', 'hset', 'hsetnx'].sort(),
    );
    const redis = new Redis(server.url);
    onTestFinished(() => redis.disconnect());
    expect(await redis.hgetall(`${h.prefix}:run:${runId}:steps`)).toHaveProperty('pong');
    expect(await redis.hget(`${h.prefix}:run:${runId}:message`, 'result_posted')).toBe('1');
    // The member's runs in flight: counted by the limit check that took the request, cleared by
    // the run's end; no second count before the add, no ZREM of its own after the run.
    const inFlight = log.seen.filter(
      ({ args, client }) => client !== 'lua' && args.includes(inFlightKey),
    );
    expect(inFlight.map(({ args }) => args[0])).toEqual(['eval', 'eval']);
    expect(await redis.zrange(`${h.prefix}:user:${USERS.alice.id}:runs`, '0', '-1')).toEqual([]);
  });

  it("saves a step's checkpoint and a run's state each in one atomic command with their time to live, no MULTI", async () => {
    const log = new CommandLog();
    await log.start(server.port, h.prefix);
    onTestFinished(() => log.stop());
    const redis = new Redis(server.url);
    onTestFinished(() => redis.disconnect());
    const keys = keysFor(h.prefix);
    await new Checkpoints(redis, keys, 'run-ttl-1').save({ step: 'first', result: { n: 1 } });
    await runState(redis, keys, new ResourceLocks(redis, keys), 'run-ttl-1').save('seen', [1, 2]);
    const stepsKey = keys.runSteps('run-ttl-1');
    const stateKey = keys.runState('run-ttl-1');
    expect(await redis.hget(stepsKey, 'first')).toBe('{"n":1}');
    expect(await redis.hget(stateKey, 'seen')).toBe('[1,2]');
    for (const key of [stepsKey, stateKey]) {
      expect(await redis.ttl(key)).toBeGreaterThan(RUN_STATE_TTL_SECONDS - 60);
      expect(await redis.ttl(key)).toBeLessThanOrEqual(RUN_STATE_TTL_SECONDS);
    }
    // The writes as the bot sent them (the test's own reads after them are left out).
    const writes = log.seen
      .filter(({ client }) => client !== 'lua')
      .map(({ args }) => args[0])
      .filter((command) => !['hget', 'ttl'].includes(command!));
    expect(writes).toEqual(['eval', 'eval']);
  });

  const messagesOf = (requestId: string) =>
    h.slack.state.channelMessages('C0OPS').filter((m) => messageText(m).includes(requestId));

  it("a run's first start reads neither the run message nor the checkpoints; a second start reads both and posts nothing twice", async () => {
    const triggerId = 'first-start-1';
    const requestId = requestIdFor(triggerId);
    const runId = runIdFor(requestId);
    const messageKey = `${h.prefix}:run:${runId}:message`;
    const stepsKey = `${h.prefix}:run:${runId}:steps`;
    const log = new CommandLog();
    await log.start(server.port, h.prefix);
    onTestFinished(() => log.stop());
    await h.client.command('ping', USERS.alice, { triggerId });
    const parent = await waitFor('the run message', () =>
      messagesOf(requestId).find((m) => !m.thread_ts),
    );
    await waitFor('the result reply', () =>
      h.slack.state
        .channelMessages('C0OPS', parent.ts)
        .find((m) => messageText(m).includes('done')),
    );
    await waitForJobCompleted(h, requestId);
    expect(log.count('hmget', messageKey)).toBe(0);
    expect(log.count('hgetall', stepsKey)).toBe(0);
    // Its state was still written, for a later start to find.
    expect(log.count('hsetnx', messageKey)).toBe(1);

    // The same job started again (as a retry or a stalled job's takeover would).
    const job = await h.bot.queue.getJob(requestId);
    await job!.retry('completed');
    await waitFor('the second start read the run message', () => log.count('hmget', messageKey));
    await waitForJobCompleted(h, requestId);
    expect(log.count('hgetall', stepsKey)).toBe(1);
    expect((await h.bot.queue.getJob(requestId))?.attemptsStarted).toBe(2);
    expect(messagesOf(requestId).filter((m) => !m.thread_ts)).toHaveLength(1);
    expect(
      h.slack.state
        .channelMessages('C0OPS', parent.ts)
        .filter((m) => messageText(m).includes('done')),
    ).toHaveLength(1);
  });
});

/** The commands on a run's own keys (its message and its checkpoints), by whichever client. */
function runCommands(log: CommandLog, runId: string) {
  const keys = [`:run:${runId}:message`, `:run:${runId}:steps`].map((k) => k.toLowerCase());
  return log.seen.filter(({ args }) => args.some((a) => keys.some((k) => a.endsWith(k))));
}
