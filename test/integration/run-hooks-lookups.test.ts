import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
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
} from '../helpers/harness.ts';
import { OwnRedis } from '../helpers/own-redis.ts';

/**
 * The run hooks' Redis lookups, counted with MONITOR on a redis-server of the test's own: a run no
 * maintenance window is open for reads the open windows once (at its start), and only a guided
 * runbook's request looks its runbook up when it ends. MONITOR is read on a plain socket (ioredis's
 * monitor mode loses its place when commands arrive while it starts).
 */
class CommandLog {
  readonly seen: string[][] = [];
  private socket: Socket | undefined;

  async start(port: number, prefix: string) {
    const socket = connect(port, '127.0.0.1');
    this.socket = socket;
    await once(socket, 'connect');
    let buffered = '';
    let started = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\r\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '+OK') started = true;
        const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.toLowerCase());
        if (args.some((a) => a.startsWith(`${prefix.toLowerCase()}:`))) this.seen.push(args);
      }
    });
    socket.write('MONITOR\r\n');
    await waitFor('MONITOR to start', () => started);
  }

  async stop() {
    this.socket?.destroy();
  }

  count(command: string, key: string) {
    return this.seen.filter((args) => args[0] === command && args[1] === key.toLowerCase()).length;
  }
}

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
  await waitFor('the job completed', async () => {
    const job = await h.bot.queue.getJob(requestId);
    return (await job?.getState()) === 'completed';
  });
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
    await waitFor('the job completed', async () => {
      const job = await h.bot.queue.getJob(requestId);
      return (await job?.getState()) === 'completed';
    });
    const job = await h.bot.queue.getJob(requestId);
    expect(job?.data.guided).toBe(true);
    expect(log.count('get', `${h.prefix}:runbook-request:${requestId}`)).toBe(1);
  });
});
