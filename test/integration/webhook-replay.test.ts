import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookReplays } from '../../src/alerts/replays.ts';
import { mountAlertRoutes } from '../../src/alerts/routes.ts';
import { SnsVerifier } from '../../src/alerts/sns.ts';
import { signWebhook } from '../../src/alerts/webhook.ts';
import { HttpServer } from '../../src/http/server.ts';
import { incidentIntake } from '../../src/incidents/intake.ts';
import { IncidentStore } from '../../src/incidents/store.ts';
import { createLogger } from '../../src/log.ts';
import { keys } from '../../src/store/keys.ts';
import { WEBHOOK_SECRET, webhookBody } from '../helpers/alerts.ts';
import { REDIS_URL } from '../helpers/harness.ts';

/**
 * Finding 9 of issue 16: a signed generic webhook replayed within its 5-minute window. Two
 * instances of the alert endpoints share one real Redis (as two web pods do); the incident store
 * and intake are the real ones, with the Slack work they queue recorded.
 */
const prefix = `t${randomUUID().slice(0, 8)}`;
const redis = new Redis(REDIS_URL);
const log = createLogger('silent');
const store = new IncidentStore(redis, keys(prefix), {
  reopenWindowMs: 30 * 60_000,
  retentionSeconds: 3600,
});
const transitions: { outcome: string; id: string; count: number }[] = [];
const intake = incidentIntake({
  store,
  channelFor: () => 'C0OPS',
  queueWork: async (work) => {
    for (const { job } of work) if (job.kind === 'transition') transitions.push(job.transition);
  },
  log,
});
const servers: HttpServer[] = [];

/** One instance of the alert endpoints; `replays` as the bot wires it, or none. */
async function instance(replays: boolean): Promise<string> {
  const http = new HttpServer(() => {});
  mountAlertRoutes(http, {
    intake: { ...intake, enqueueConfirmation: async () => {} },
    sns: new SnsVerifier(),
    allowedTopicArns: [],
    webhookSecret: WEBHOOK_SECRET,
    ...(replays ? { webhookReplays: new WebhookReplays(redis, keys(prefix)) } : {}),
    log,
  });
  servers.push(http);
  return `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
}

async function send(base: string, body: string, headers: Record<string, string>) {
  const response = await fetch(`${base}/alerts/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const openIncident = async (key: string) =>
  (await store.listOpen()).find((i) => i.key === `webhook:uptime:${key}`)!;

let first = '';
let second = '';
let unguarded = '';

beforeAll(async () => {
  first = await instance(true);
  second = await instance(true);
  unguarded = await instance(false);
});

afterAll(async () => {
  for (const http of servers) await http.close();
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (found.length) await redis.del(...found);
  } while (cursor !== '0');
  redis.disconnect();
});

describe('finding 9: a replayed signed webhook is refused', () => {
  it('refuses the replay on another instance with 409 and a clear reason; it is not counted', async () => {
    const body = webhookBody('replay-count');
    const headers = signWebhook(WEBHOOK_SECRET, body);
    expect((await send(first, body, headers)).status).toBe(202);
    const opened = await openIncident('replay-count');
    const replay = await send(second, body, headers);
    expect(replay.status).toBe(409);
    expect(replay.json).toMatchObject({ error: 'replayed' });
    expect(String(replay.json.reason)).toContain('already received');
    expect((await send(first, body, headers)).status).toBe(409);
    expect((await store.get(opened.id))?.count).toBe(1);

    // The same alert signed again (a new timestamp) is a new delivery and is counted.
    const later = signWebhook(WEBHOOK_SECRET, body, Math.floor(Date.now() / 1000) + 1);
    expect((await send(second, body, later)).status).toBe(202);
    expect((await store.get(opened.id))?.count).toBe(2);
  });

  it('a replay of a firing after the resolve does not reopen the incident', async () => {
    const firing = webhookBody('replay-reopen');
    const firingHeaders = signWebhook(WEBHOOK_SECRET, firing);
    expect((await send(first, firing, firingHeaders)).status).toBe(202);
    const opened = await openIncident('replay-reopen');
    expect(opened).toBeDefined();
    const resolved = webhookBody('replay-reopen', 'resolved');
    expect((await send(first, resolved, signWebhook(WEBHOOK_SECRET, resolved))).status).toBe(202);
    expect((await store.get(opened.id))?.status).toBe('resolved');

    expect((await send(second, firing, firingHeaders)).status).toBe(409);
    // An instance without the signature memory still cannot count it: the delivery id comes from
    // the signature, and the incident store's delivery marker in Redis refuses it.
    expect((await send(unguarded, firing, firingHeaders)).status).toBe(202);
    const after = await store.get(opened.id);
    expect(after?.status).toBe('resolved');
    expect(after?.reopened).toBe(0);
    expect(after?.count).toBe(1);
    expect(transitions.filter((t) => t.id === opened.id).map((t) => t.outcome)).toEqual([
      'open',
      'resolve',
    ]);
  });

  it('remembers the signature in Redis under the prefix, only for the replay window', async () => {
    const body = webhookBody('replay-ttl');
    expect((await send(first, body, signWebhook(WEBHOOK_SECRET, body))).status).toBe(202);
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(
        cursor,
        'MATCH',
        `${prefix}:webhook-signature:*`,
        'COUNT',
        500,
      );
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    expect(found.length).toBeGreaterThanOrEqual(1);
    for (const key of found) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600);
    }
  });
});
