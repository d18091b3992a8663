import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HTTPReceiver } from '@slack/bolt';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleHandle, mountConsole } from '../../src/dev/console/routes.ts';
import { type LocalOpsbot, startLocal } from '../../src/dev/local/start-local.ts';
import { LOCAL_USERS, localChannels, seedWorkspace } from '../../src/dev/local/workspace.ts';
import { SlackEmulator } from '../../src/dev/slack-emulator/emulator.ts';
import { HttpServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/log.ts';
import { createSlackApp } from '../../src/slack/app.ts';
import { exampleConfig, REDIS_URL } from '../helpers/harness.ts';

/**
 * Finding 3 of issue 16: a web page open in the operator's browser must not drive the local
 * console. Real HTTP with the headers a browser would send: a cross-site `text/plain` POST, a
 * foreign `Origin`, a DNS-rebound `Host`, a call without the session token.
 */
const TOKEN = 'xoxb-console-guard-test';
const SECRET = 'console-guard-signing-secret';
const emulator = new SlackEmulator({ tokens: [TOKEN] });
const http = new HttpServer(() => {});
let port = 0;
let routes: ConsoleHandle;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A raw HTTP request, so `Host` and `Origin` can be set as a browser (or a rebound name) sends them. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const promote = JSON.stringify({
  user: 'U0ALICE',
  channel: 'C0OPS',
  text: '/ops promote mission-control-api 43',
});
const commandsSeen = () =>
  emulator.state.messages.filter((m) => m.text === '/ops promote mission-control-api 43').length;

beforeAll(async () => {
  const file = exampleConfig();
  const slackUrl = await emulator.start();
  seedWorkspace(emulator.state, file);
  const { app, receiver } = createSlackApp({
    botToken: TOKEN,
    signingSecret: SECRET,
    slackApiUrl: slackUrl,
    log: createLogger('silent'),
  });
  app.command('/ops', async ({ ack }) => ack());
  http.route('POST', '/slack/events', (receiver as HTTPReceiver).requestListener);
  routes = mountConsole(http, {
    emulator,
    signingSecret: SECRET,
    webhookSecret: 'unused',
    users: LOCAL_USERS,
    channels: localChannels(file),
    aws: { lambda: 'SANDBOX' },
  });
  port = await http.listen(0, '127.0.0.1');
  routes.attach(`http://127.0.0.1:${port}`);
  afterAll(async () => {
    routes.stop();
    await http.close();
    await emulator.stop();
  });
});

describe('finding 3: the local console refuses requests a web page could send', () => {
  it('refuses a text/plain POST (a cross-site form or no-cors fetch) with 415; nothing is sent', async () => {
    const before = commandsSeen();
    const answer = await send(
      'POST',
      '/console/api/command',
      { 'content-type': 'text/plain', 'x-opsbot-console-token': routes.token },
      promote,
    );
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.text).error).toContain('application/json');
    expect(commandsSeen()).toBe(before);
  });

  it('refuses a POST from another Origin with 403 naming the origin; nothing is sent', async () => {
    const before = commandsSeen();
    const answer = await send(
      'POST',
      '/console/api/command',
      {
        'content-type': 'application/json',
        origin: 'https://evil.example',
        'x-opsbot-console-token': routes.token,
      },
      promote,
    );
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text).error).toContain('"https://evil.example"');
    expect(commandsSeen()).toBe(before);
  });

  it('refuses a DNS-rebound Host on the page, the state and the API with 403', async () => {
    const rebound = { host: `attacker.example:${port}`, 'x-opsbot-console-token': routes.token };
    for (const path of ['/console', '/console/api/state']) {
      const answer = await send('GET', path, rebound);
      expect(answer.status, path).toBe(403);
      expect(JSON.parse(answer.text).error).toContain(`Host "attacker.example:${port}"`);
      expect(answer.text).not.toContain(routes.token);
    }
    const other = await send('GET', '/console/api/state', {
      host: `localhost:${port + 1}`,
      'x-opsbot-console-token': routes.token,
    });
    expect(other.status).toBe(403);
  });

  it('refuses API calls without the session token with 403; nothing is sent', async () => {
    const before = commandsSeen();
    const json = { 'content-type': 'application/json' };
    const post = await send('POST', '/console/api/command', json, promote);
    expect(post.status).toBe(403);
    expect(JSON.parse(post.text).error).toContain('session token');
    const wrong = await send(
      'POST',
      '/console/api/command',
      { ...json, 'x-opsbot-console-token': 'f'.repeat(64) },
      promote,
    );
    expect(wrong.status).toBe(403);
    for (const path of ['/console/api/state', '/console/api/events'])
      expect((await send('GET', path, {})).status, path).toBe(403);
    expect(commandsSeen()).toBe(before);
  });

  it('serves the page with the token embedded, unframeable; a same-origin call with it works', async () => {
    const page = await send('GET', '/console', { host: `localhost:${port}` });
    expect(page.status).toBe(200);
    expect(page.text).toContain(`content="${routes.token}"`);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");

    const before = commandsSeen();
    const answer = await send(
      'POST',
      '/console/api/command',
      {
        host: `localhost:${port}`,
        origin: `http://localhost:${port}`,
        'content-type': 'application/json; charset=utf-8',
        'x-opsbot-console-token': routes.token,
      },
      promote,
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).status).toBe(200);
    expect(commandsSeen()).toBe(before + 1);
    const state = await send('GET', '/console/api/state', {
      'x-opsbot-console-token': routes.token,
    });
    expect(JSON.parse(state.text).realAws).toBe(false);
  });
});

describe('finding 3: local mode uses real AWS only with OPSBOT_LOCAL_REAL_AWS=1', () => {
  const AWS_VARIABLES =
    /^AWS_(ENDPOINT_URL|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|WEB_IDENTITY_TOKEN_FILE|CONTAINER_CREDENTIALS_\w+)$/;
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'opsbot-local-guard-'));
  let local: LocalOpsbot | undefined;

  afterAll(async () => {
    await local?.stop();
    const redis = new Redis(REDIS_URL);
    const found = await redis.keys(`${prefix}:*`);
    if (found.length) await redis.del(...found);
    redis.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs on the sandbox when AWS credentials are in the environment but not opted into', async () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !AWS_VARIABLES.test(name)),
    );
    local = await startLocal({
      env: {
        ...env,
        AWS_PROFILE: 'opsbot-test-production',
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        REDIS_URL,
        LOG_LEVEL: 'silent',
      },
      port: 0,
      host: '127.0.0.1',
      dataDir,
      prefix,
    });
    expect(local.sandbox).toBeDefined();
    expect(local.ignoredAws).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_PROFILE']);
    const state = (await (
      await fetch(`${local.baseUrl}/console/api/state`, {
        headers: { 'x-opsbot-console-token': local.consoleToken },
      })
    ).json()) as { aws: Record<string, string>; realAws: boolean };
    expect(state.realAws).toBe(false);
    expect(state.aws.lambda).toMatch(/^SANDBOX/);
    expect(state.aws.ledger).toMatch(/^SANDBOX/);
  }, 60_000);

  it('uses the real adapters with OPSBOT_LOCAL_REAL_AWS=1, and the console state says REAL AWS', async () => {
    await local?.stop();
    local = undefined;
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !AWS_VARIABLES.test(name)),
    );
    local = await startLocal({
      env: {
        ...env,
        // Nothing answers here: the test only reads what the console reports.
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        OPSBOT_LOCAL_REAL_AWS: '1',
        REDIS_URL,
        LOG_LEVEL: 'silent',
      },
      port: 0,
      host: '127.0.0.1',
      dataDir,
      prefix,
    });
    expect(local.sandbox).toBeUndefined();
    expect(local.ignoredAws).toEqual([]);
    const state = (await (
      await fetch(`${local.baseUrl}/console/api/state`, {
        headers: { 'x-opsbot-console-token': local.consoleToken },
      })
    ).json()) as { aws: Record<string, string>; realAws: boolean };
    expect(state.realAws).toBe(true);
    expect(state.aws.all).toContain('real: AWS SDK (http://127.0.0.1:9)');
  }, 60_000);
});
