import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/dev/free-port.ts';
import { createLogger } from '../../src/log.ts';
import { registry as metricsRegistry } from '../../src/metrics/metrics.ts';
import type { SlackWriter } from '../../src/notify/slack-writer.ts';
import type { Submission } from '../../src/requests/submission.ts';
import {
  createEnqueueSubmission,
  SUBMITTERS,
  SubmissionConsumer,
} from '../../src/requests/submission-stream.ts';
import type { Ports } from '../../src/sdk/ports/index.ts';
import { requestRenderer } from '../../src/slack/blocks/request-renderer.ts';
import { keys as keysFor } from '../../src/store/keys.ts';
import { connectRedis, whenReady } from '../../src/store/redis.ts';
import { type Harness, REDIS_URL, startHarness, USERS, waitFor } from '../helpers/harness.ts';

const log = createLogger('silent');

function submission(n: number): Submission {
  return {
    submissionKey: `trigger-${n}`,
    command: 'promote',
    args: { function: 'mission-control-api', version: 43, alias: 'staging' },
    environment: 'staging',
    requester: USERS.alice.id,
    channel: 'C0OPS',
    source: 'typed',
  };
}

type Told = { channel: string; user: string; text: string };

/** A Slack writer that records private notes to a person into `told` and posts nothing. */
function recordingWriter(told: Told[]): SlackWriter {
  const tell = async (channel: string, user: string, content: { text: string }) => {
    told.push({ channel, user, text: content.text });
  };
  return {
    post: async () => ({ ts: '1' }),
    update: async () => {},
    ephemeral: tell,
    note: tell,
    upload: async () => {},
  };
}

/** AWS ports that record and refuse every call. */
function refusingAws(calls: string[]): Ports {
  const port = (name: string) =>
    new Proxy(
      {},
      {
        get: (_target, method) =>
          typeof method !== 'string' || method === 'then'
            ? undefined
            : () => {
                calls.push(`${name}.${method}`);
                throw new Error(`the web role called AWS (${name}.${method})`);
              },
      },
    );
  const names = ['lambda', 'records', 'secrets', 'tables', 'services', 'http', 'deploys', 'logs'];
  return Object.fromEntries(names.map((name) => [name, port(name)])) as unknown as Ports;
}

describe('the web role hands submissions to the workers', () => {
  let h: Harness;
  const awsCalls: string[] = [];
  beforeAll(async () => {
    h = await startHarness({ role: 'web', aws: refusingAws(awsCalls) });
  });
  afterAll(async () => h.stop());

  const waiting = () => h.redis.xlen(keysFor(h.prefix).submissions());

  it('adds one stream entry for a valid command and does nothing else itself', async () => {
    const response = await h.client.command(
      'promote mission-control-api 43 alias=staging',
      USERS.alice,
      { triggerId: 'web-only-1' },
    );
    expect(response.status).toBe(200);
    await waitFor('the submission in the stream', async () => (await waiting()) === 1);
    const entries = await h.redis.xrange(keysFor(h.prefix).submissions(), '-', '+');
    expect(entries).toHaveLength(1);
    const [, fields] = entries[0]!;
    expect(fields[0]).toBe('submission');
    const handed = JSON.parse(fields[1]!) as Submission;
    expect(handed).toMatchObject({
      submissionKey: 'web-only-1',
      command: 'promote',
      args: { function: 'mission-control-api', version: '43', alias: 'staging' },
      environment: 'staging',
      requester: USERS.alice.id,
      channel: 'C0OPS',
    });
    // No worker runs: no job, no request card, no claim on the submission.
    expect(await h.jobCount()).toBe(0);
    expect(h.slack.state.channelMessages('C0OPS')).toHaveLength(0);
    expect(await h.redis.exists(keysFor(h.prefix).submission('web-only-1'))).toBe(0);
  });

  it('makes no AWS call: plans and requests are made by the workers', async () => {
    const before = await waiting();
    for (const text of [
      'promote mission-control-api 43 --plan',
      'promote mission-control-api 43 alias=prod',
      'rollback mission-control-api',
      'ping',
    ])
      expect((await h.client.command(text, USERS.alice)).status).toBe(200);
    expect((await h.client.command('help promote', USERS.alice)).status).toBe(200);
    await waitFor('4 submissions handed over', async () => (await waiting()) === before + 4);
    expect(awsCalls).toEqual([]);
  });

  it('hands over nothing for a malformed command', async () => {
    const before = await waiting();
    const response = await h.client.command('promote mission-control-api 4x3', USERS.alice);
    expect(String(response.json?.text)).toContain('`version`');
    expect(await waiting()).toBe(before);
  });
});

describe('a worker reading the submissions stream', () => {
  const prefix = `sub${Date.now()}`;
  const keys = keysFor(prefix);
  const redis = connectRedis(REDIS_URL, 'producer');
  const admin = new Redis(REDIS_URL);
  const consumers: SubmissionConsumer[] = [];
  const enqueueSubmission = createEnqueueSubmission({
    redis,
    keys,
    writer: recordingWriter([]),
    renderer: requestRenderer,
    log,
  });

  function startConsumer(
    name: string,
    createRequest: (s: Submission, delivery: string) => Promise<unknown>,
    reclaimAfterMs = 60_000,
  ) {
    const consumer = new SubmissionConsumer({
      reader: connectRedis(REDIS_URL, 'worker'),
      redis,
      keys,
      log,
      createRequest,
      consumer: name,
      reclaimAfterMs,
      blockMs: 100,
    });
    consumer.start();
    consumers.push(consumer);
    return consumer;
  }

  // The producer connection fails fast (no offline queue): wait until it is up.
  beforeAll(async () => {
    expect(await whenReady(redis)).toBe(true);
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await admin.del(keys.submissions());
  });
  afterAll(async () => {
    redis.disconnect();
    admin.disconnect();
  });

  it('hands each submission to the worker once, then acknowledges and deletes it', async () => {
    const seen: string[] = [];
    startConsumer('w1', async (s) => {
      seen.push(s.submissionKey);
    });
    for (let n = 0; n < 20; n++) await enqueueSubmission(submission(n));
    await waitFor('20 submissions handled', () => seen.length === 20);
    expect([...seen].sort()).toEqual(Array.from({ length: 20 }, (_, n) => `trigger-${n}`).sort());
    await waitFor('the stream emptied', async () => (await admin.xlen(keys.submissions())) === 0);
    const [pending] = (await admin.xpending(keys.submissions(), SUBMITTERS)) as [number];
    expect(pending).toBe(0);
  });

  it('reads submissions handed over before any worker existed', async () => {
    await enqueueSubmission(submission(100));
    const seen: string[] = [];
    startConsumer('late', async (s) => {
      seen.push(s.submissionKey);
    });
    await waitFor('the early submission handled', () => seen.includes('trigger-100'));
  });

  it('takes over a submission whose worker died before finishing it', async () => {
    await admin.xgroup('CREATE', keys.submissions(), SUBMITTERS, '0', 'MKSTREAM');
    await enqueueSubmission(submission(200));
    // A worker reads it and dies: the entry stays pending under its name.
    const read = (await admin.xreadgroup(
      'GROUP',
      SUBMITTERS,
      'dead',
      'COUNT',
      10,
      'STREAMS',
      keys.submissions(),
      '>',
    )) as [string, [string, string[]][]][];
    const entryId = read[0]![1][0]![0];
    const seen: { key: string; delivery: string }[] = [];
    startConsumer(
      'survivor',
      async (s, delivery) => {
        seen.push({ key: s.submissionKey, delivery });
      },
      200,
    );
    await waitFor('the orphaned submission handled', () => seen.length > 0, 15_000);
    // Handed over again as the same delivery, so createRequest can tell it from a Slack retry.
    expect(seen).toEqual([{ key: 'trigger-200', delivery: entryId }]);
    await waitFor('the stream emptied', async () => (await admin.xlen(keys.submissions())) === 0);
  });

  it('keeps a submission that takes long to handle from being taken over', async () => {
    const seen: string[] = [];
    const slow = async (s: Submission) => {
      seen.push(`slow:${s.submissionKey}`);
      await new Promise((resolve) => setTimeout(resolve, 4000));
    };
    startConsumer('slow', slow, 1500);
    await enqueueSubmission(submission(250));
    await waitFor('the slow worker to take it', () => seen.length === 1);
    // Another worker that would take over anything idle for 1.5 s.
    startConsumer(
      'eager',
      async (s) => {
        seen.push(`eager:${s.submissionKey}`);
      },
      1500,
    );
    await waitFor('the stream emptied', async () => (await admin.xlen(keys.submissions())) === 0);
    expect(seen).toEqual(['slow:trigger-250']);
  });

  it('drops an entry that is not a submission and goes on with the next', async () => {
    const seen: string[] = [];
    startConsumer('w2', async (s) => {
      seen.push(s.submissionKey);
    });
    await admin.xadd(keys.submissions(), '*', 'submission', '{not json');
    await enqueueSubmission(submission(300));
    await waitFor('the good submission handled', () => seen.includes('trigger-300'));
    await waitFor('both entries gone', async () => (await admin.xlen(keys.submissions())) === 0);
  });

  it('makes its group again when Redis loses the stream, and goes on', async () => {
    const seen: string[] = [];
    startConsumer('w3', async (s) => {
      seen.push(s.submissionKey);
    });
    await enqueueSubmission(submission(400));
    await waitFor('first handled', () => seen.includes('trigger-400'));
    await admin.del(keys.submissions());
    await enqueueSubmission(submission(401));
    await waitFor('handled after the stream was lost', () => seen.includes('trigger-401'), 15_000);
  });

  it('finishes the submission in hand when it stops', async () => {
    let release: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    let finished = false;
    const consumer = startConsumer('stopping', async () => {
      release();
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
    });
    await enqueueSubmission(submission(500));
    await started;
    await consumer.stop();
    expect(finished).toBe(true);
    expect(await admin.xlen(keys.submissions())).toBe(0);
  });

  it('handles a submission read while an earlier one is still in hand (no batch holds it up)', async () => {
    const seen: string[] = [];
    let laterHandled: () => void = () => {};
    const later = new Promise<void>((resolve) => {
      laterHandled = resolve;
    });
    startConsumer('pipelined', async (s) => {
      seen.push(s.submissionKey);
      // The first one finishes only once the one handed over after it has been handled.
      if (s.submissionKey === 'trigger-600')
        await Promise.race([later, new Promise((resolve) => setTimeout(resolve, 5000))]);
      else laterHandled();
      seen.push(`${s.submissionKey} done`);
    });
    await enqueueSubmission(submission(600));
    await waitFor('the first in hand', () => seen.includes('trigger-600'));
    await enqueueSubmission(submission(601));
    await waitFor('both handled', () => seen.includes('trigger-600 done'), 10_000);
    expect(seen).toEqual(['trigger-600', 'trigger-601', 'trigger-601 done', 'trigger-600 done']);
    await waitFor('the stream emptied', async () => (await admin.xlen(keys.submissions())) === 0);
  });
});

describe('a submission handed over again (its worker died after claiming it)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.stop());

  const results = () =>
    h.slack.state.messages.filter((m) => m.thread_ts && m.text.includes('ping done'));

  it('is finished by another worker, and a Slack retry of it is still dropped', async () => {
    const keys = keysFor(h.prefix);
    const ping: Submission = {
      submissionKey: 'died-after-claim',
      command: 'ping',
      args: {},
      environment: 'default',
      requester: USERS.alice.id,
      channel: 'C0OPS',
      source: 'typed',
    };
    // The dead worker claimed the submission for this entry, then made nothing.
    const base = Date.now() + 60_000;
    const claimedBy = (entryId: string) =>
      h.redis.set(keys.submission('died-after-claim'), entryId, 'EX', 3600);
    await claimedBy(`${base}-0`);
    await h.redis.xadd(keys.submissions(), `${base}-0`, 'submission', JSON.stringify(ping));
    await waitFor('the run to finish', () => results().length === 1);

    // A delivery handed over again after its request was made (its worker died before the ack).
    await claimedBy(`${base}-1`);
    await h.redis.xadd(keys.submissions(), `${base}-1`, 'submission', JSON.stringify(ping));
    // A Slack retry of the same submission: another delivery, so a duplicate.
    const retry = await h.client.command('ping', USERS.alice, { triggerId: 'died-after-claim' });
    expect(retry.status).toBe(200);
    await waitFor('the stream drained', async () => (await h.redis.xlen(keys.submissions())) === 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(results()).toHaveLength(1);
    expect(await h.jobCount()).toBe(1);
    // One request made: the delivery handed over again made none, the retry was a duplicate.
    const counted = await metricsRegistry.getSingleMetricAsString('opsbot_requests_total');
    expect(counted).toMatch(/opsbot_requests_total\{command="ping",outcome="queued"\} 1$/m);
    expect(counted).toMatch(/opsbot_requests_total\{command="ping",outcome="duplicate"\} 1$/m);
  });
});

describe('handing over while Redis refuses', () => {
  it('tells the requester nothing ran and counts the request as unreachable', async () => {
    const port = await freePort();
    const down = connectRedis(`redis://127.0.0.1:${port}`, 'producer', {
      retryStrategy: () => null,
    });
    down.on('error', () => {});
    const told: Told[] = [];
    const enqueueSubmission = createEnqueueSubmission({
      redis: down,
      keys: keysFor('down'),
      writer: recordingWriter(told),
      renderer: requestRenderer,
      log,
    });
    await enqueueSubmission({ ...submission(600), command: 'restart' });
    expect(told).toEqual([
      { channel: 'C0OPS', user: USERS.alice.id, text: expect.stringContaining('nothing was run') },
    ]);
    const counted = await metricsRegistry.getSingleMetricAsString('opsbot_requests_total');
    expect(counted).toMatch(/opsbot_requests_total\{command="restart",outcome="unreachable"\} 1/);
    down.disconnect();
  });
});
