import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../src/dev/free-port.ts';
import { slackFetch, timedSlackFetch, uploadBytes } from '../../src/slack/http-fetch.ts';
import { createWebClient } from '../../src/slack/web-writer.ts';

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

describe('slackFetch (the WebClient’s fetch)', () => {
  const remotePorts: number[] = [];
  const uploadAttempts = new Map<string, string[]>();
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer(async (request, response) => {
      remotePorts.push(request.socket.remotePort!);
      const body = await readBody(request);
      if (request.url === '/redirect') {
        response.writeHead(302, { location: '/elsewhere' }).end();
        return;
      }
      if (request.url === '/slow') return; // never answers
      if (request.url === '/cut') {
        // Headers and half a body, then the connection drops.
        response.writeHead(200, { 'content-length': '100' });
        response.write('{"ok":');
        setTimeout(() => request.socket.destroy(), 20);
        return;
      }
      if (request.url?.startsWith('/upload/')) {
        // An upload URL: /upload/<status>/<key> answers <status> and counts its attempts.
        const [, , status, key] = request.url.split('/');
        uploadAttempts.set(key!, [...(uploadAttempts.get(key!) ?? []), body]);
        response.writeHead(Number(status), { 'content-type': 'text/plain' }).end('answer');
        return;
      }
      if (request.url === '/gzip') {
        response.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('{"ok":true}'));
        return;
      }
      response.writeHead(200, {
        'content-type': 'application/json',
        'x-oauth-scopes': 'chat:write, commands',
        'set-cookie': ['a=1', 'b=2'],
      });
      response.end(
        JSON.stringify({
          ok: true,
          method: request.method,
          contentType: request.headers['content-type'],
          authorization: request.headers.authorization,
          body,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('posts a form body with its headers and answers status, headers and text, on one kept-alive connection', async () => {
    const call = () =>
      slackFetch(`${url}/chat.postMessage`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: 'Bearer xoxb-test',
        },
        body: 'channel=C1&text=h%C3%A9llo',
        redirect: 'error',
      });
    const first = await call();
    expect(first.status).toBe(200);
    expect(first.headers.get('X-OAuth-Scopes')).toBe('chat:write, commands');
    expect(first.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(first.headers.get('retry-after')).toBeNull();
    expect(JSON.parse(await first.text())).toEqual({
      ok: true,
      method: 'POST',
      contentType: 'application/x-www-form-urlencoded',
      authorization: 'Bearer xoxb-test',
      body: 'channel=C1&text=h%C3%A9llo',
    });
    await call();
    expect(remotePorts.slice(-2)[0]).toBe(remotePorts.slice(-2)[1]);
  });

  it('decodes a gzip answer', async () => {
    const response = await slackFetch(`${url}/gzip`, { method: 'POST', body: 'x=1' });
    expect(await response.json()).toEqual({ ok: true });
  });

  it('rejects a redirect when told to, and an aborted call with the signal’s reason', async () => {
    await expect(
      slackFetch(`${url}/redirect`, { method: 'POST', body: 'x=1', redirect: 'error' }),
    ).rejects.toThrow(TypeError);
    const signal = AbortSignal.timeout(50);
    const error = await slackFetch(`${url}/slow`, { method: 'POST', body: 'x=1', signal }).catch(
      (e: unknown) => e,
    );
    expect(error).toBe(signal.reason);
    expect((error as Error).name).toBe('TimeoutError');
  });

  it('abandons a call with no answer after its timeout, as fetch fails, naming the time', async () => {
    const error = await timedSlackFetch(50)(`${url}/slow`, { method: 'POST', body: 'x=1' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('fetch failed');
    expect(((error as Error).cause as Error).message).toBe('no complete answer within 50 ms');
    // An answered call clears its timer: nothing fires later, the answer stands.
    const answer = await timedSlackFetch(50)(`${url}/gzip`, { method: 'POST', body: 'x=1' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await answer.json()).toEqual({ ok: true });
  });

  it('the bot’s WebClient arms no AbortSignal timer per call (its timeout is the fetch’s)', async () => {
    const armed = vi.spyOn(AbortSignal, 'timeout');
    try {
      const client = createWebClient('xoxb-test', `${url}/`);
      const answer = await client.apiCall('chat.postMessage', { channel: 'C1', text: 'hi' });
      expect(answer.ok).toBe(true);
      expect(armed).not.toHaveBeenCalled();
    } finally {
      armed.mockRestore();
    }
  });

  it('rejects an answer whose connection drops before its body ends', async () => {
    const error = await slackFetch(`${url}/cut`, { method: 'POST', body: 'x=1' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('fetch failed');
  });

  it('rejects a refused connection as fetch does', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      slackFetch(`http://127.0.0.1:${port}/x`, { method: 'POST', body: 'x=1' }),
    ).rejects.toThrow('fetch failed');
  });
  it('uploads bytes raw once on a 200; retries a 5xx, not a 4xx; its errors name the file, never the URL', async () => {
    await uploadBytes(`${url}/upload/200/ok`, Buffer.from('line 1\n'), 'ok.log');
    expect(uploadAttempts.get('ok')).toEqual(['line 1\n']);
    await expect(
      uploadBytes(`${url}/upload/500/flaky-secret`, Buffer.from('x'), 'flaky.log'),
    ).rejects.toThrow(/^the upload of flaky\.log was refused \(HTTP 500\)$/);
    expect(uploadAttempts.get('flaky-secret')).toHaveLength(3);
    await expect(
      uploadBytes(`${url}/upload/403/denied-secret`, Buffer.from('x'), 'denied.log'),
    ).rejects.toThrow(/^the upload of denied\.log was refused \(HTTP 403\)$/);
    expect(uploadAttempts.get('denied-secret')).toHaveLength(1);
    const closed = `http://127.0.0.1:${await freePort()}/upload/secret-path`;
    const refused = await uploadBytes(closed, Buffer.from('x'), 'nowhere.log').catch(
      (error: Error) => error,
    );
    expect((refused as Error).message).toMatch(/^the upload of nowhere\.log failed: /);
    expect((refused as Error).message).not.toContain('secret-path');
  });
});
